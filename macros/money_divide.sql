{#-
    Money division, the project's one rounding rule (docs/decisions.md,
    "Money division"): numerator / denominator as decimal(18, 2), the exact
    quotient rounded half-up (half a cent away from zero) to the cent; null
    when the denominator is zero or null (or the numerator is null).

    Exact: both operands are turned into integer cents (inputs are CNY
    amounts or counts, at most two decimals, so x * 100 is an integer) and
    the quotient in cents is rounded with integer arithmetic only:
        cents = sign * ((200 * |n| + |d|) div (2 * |d|))
    where n, d are the operands in cents and sign is -1 when exactly one is
    negative. No floating point: DuckDB divides a decimal by an integer as
    a double, which turns 619.43 / 2 = 309.715 into 309.71499... and
    309.71. Bigint cents hold amounts up to about 4.6e14 CNY (an overflow
    is an error, never a wrong number).
-#}
{% macro money_divide(numerator, denominator) -%}
    {%- set numerator_cents = 'cast((' ~ numerator ~ ') * 100 as ' ~ dbt.type_bigint() ~ ')' -%}
    {%- set denominator_cents = 'cast((' ~ denominator ~ ') * 100 as ' ~ dbt.type_bigint() ~ ')' -%}
    case
        when ({{ denominator }}) is null or ({{ denominator }}) = 0 then null
        else cast(
            cast(
                case when ({{ numerator }} < 0) != ({{ denominator }} < 0) then -1 else 1 end
                * {{ integer_divide(
                    '200 * abs(' ~ numerator_cents ~ ') + abs(' ~ denominator_cents ~ ')',
                    '2 * abs(' ~ denominator_cents ~ ')'
                ) }}
                as decimal(38, 0)
            ) * cast(0.01 as decimal(3, 2))
            as decimal(18, 2)
        )
    end
{%- endmacro %}

{#- Integer division of two integer expressions, truncated toward zero (both
    operands are non-negative where money_divide uses it). Dispatchable:
    DuckDB `//`, Spark `div`. -#}
{% macro integer_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('integer_divide', 'ecomops')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__integer_divide(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}

{% macro spark__integer_divide(numerator, denominator) -%}
    (({{ numerator }}) div ({{ denominator }}))
{%- endmacro %}
