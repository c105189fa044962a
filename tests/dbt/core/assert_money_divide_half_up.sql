{#-
    money_divide (macros/money_divide.sql) against quotients worked out with
    Python's decimal module (Decimal(n) / Decimal(d), quantize to 0.01,
    ROUND_HALF_UP, i.e. half a cent away from zero): exact half cents of both
    signs, repeating decimals, a negative divisor, a divisor below one, a
    large amount, and null for a zero or null divisor or a null amount.
    Returns every case whose result differs (type included: decimal(18,2);
    upper-cased, since Spark names it in lower case).
-#}
with

cases as (

    select
        cases.numerator,
        cases.denominator,
        cases.expected
    from (
        values
        (cast(619.43 as decimal(18, 2)), cast(2 as decimal(18, 2)), cast(309.72 as decimal(18, 2))),
        (cast(-619.43 as decimal(18, 2)), cast(2 as decimal(18, 2)), cast(-309.72 as decimal(18, 2))),
        (cast(-0.05 as decimal(18, 2)), cast(2 as decimal(18, 2)), cast(-0.03 as decimal(18, 2))),
        (cast(1 as decimal(18, 2)), cast(3 as decimal(18, 2)), cast(0.33 as decimal(18, 2))),
        (cast(2 as decimal(18, 2)), cast(3 as decimal(18, 2)), cast(0.67 as decimal(18, 2))),
        (cast(-1 as decimal(18, 2)), cast(3 as decimal(18, 2)), cast(-0.33 as decimal(18, 2))),
        (cast(0.01 as decimal(18, 2)), cast(2 as decimal(18, 2)), cast(0.01 as decimal(18, 2))),
        (cast(-0.01 as decimal(18, 2)), cast(2 as decimal(18, 2)), cast(-0.01 as decimal(18, 2))),
        (cast(0.03 as decimal(18, 2)), cast(2 as decimal(18, 2)), cast(0.02 as decimal(18, 2))),
        (cast(1 as decimal(18, 2)), cast(-8 as decimal(18, 2)), cast(-0.13 as decimal(18, 2))),
        (cast(-1 as decimal(18, 2)), cast(-8 as decimal(18, 2)), cast(0.13 as decimal(18, 2))),
        (cast(0.15 as decimal(18, 2)), cast(-2 as decimal(18, 2)), cast(-0.08 as decimal(18, 2))),
        (cast(100.01 as decimal(18, 2)), cast(0.5 as decimal(18, 2)), cast(200.02 as decimal(18, 2))),
        (cast(7.77 as decimal(18, 2)), cast(0.02 as decimal(18, 2)), cast(388.50 as decimal(18, 2))),
        (cast(10 as decimal(18, 2)), cast(4 as decimal(18, 2)), cast(2.50 as decimal(18, 2))),
        (cast(0 as decimal(18, 2)), cast(7 as decimal(18, 2)), cast(0.00 as decimal(18, 2))),
        (cast(123456789012.34 as decimal(18, 2)), cast(2 as decimal(18, 2)), cast(61728394506.17 as decimal(18, 2))),
        (cast(10 as decimal(18, 2)), cast(0 as decimal(18, 2)), cast(null as decimal(18, 2))),
        (cast(10 as decimal(18, 2)), cast(null as decimal(18, 2)), cast(null as decimal(18, 2))),
        (cast(null as decimal(18, 2)), cast(3 as decimal(18, 2)), cast(null as decimal(18, 2)))
    ) as cases (numerator, denominator, expected)

),

computed as (

    select
        numerator,
        denominator,
        expected,
        {{ money_divide('numerator', 'denominator') }} as actual
    from cases

),

final as (

    select
        numerator,
        denominator,
        expected,
        actual,
        upper(typeof(actual)) as actual_type
    from computed
    where
        (actual is null) != (expected is null)
        or actual != expected
        or upper(typeof(actual)) != 'DECIMAL(18,2)'

)

select * from final
