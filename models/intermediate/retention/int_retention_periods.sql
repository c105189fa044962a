{#-
    The period spine of the retention triangle: one row per cohort grain and
    period number, 0 to the grain's maximum in the var retention_max_periods
    (day: 0-90, week: 0-26, month: 0-18). Numbers are built from digits so
    that no engine-specific series function is needed (up to 999).
-#}
with

digits as (

    {% for digit in range(10) -%}
        select {{ digit }} as digit
        {% if not loop.last %}union all
        {% endif -%}
    {% endfor %}

),

numbers as (

    select hundreds.digit * 100 + tens.digit * 10 + units.digit as period_number
    from digits as hundreds
    cross join digits as tens
    cross join digits as units

),

grains as (

    {% for grain, max_period in var('retention_max_periods').items() -%}
        select
            '{{ grain }}' as cohort_grain,
            {{ max_period }} as max_period_number
        {% if not loop.last %}union all
        {% endif -%}
    {% endfor %}

),

final as (

    select
        grains.cohort_grain,
        cast(numbers.period_number as integer) as period_number
    from grains
    inner join numbers
        on grains.max_period_number >= numbers.period_number

)

select * from final
