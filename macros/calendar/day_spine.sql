{#-
    One row per day from start_date to end_date inclusive (column date_day,
    type date), where both are SQL date expressions evaluated at run time
    (a literal, a var or a scalar subquery over a model). Unlike
    dbt.date_spine it runs no query at compile time, so it works when the
    bounds come from a model that is empty or not built yet: a null bound
    gives no rows. Portable: numbers from a cross join of digit lists and
    dbt.dateadd, at most 100,000 days (274 years, enough for 1990..2100).
-#}
{% macro day_spine(start_date, end_date) -%}
    {%- set digit_rows = [] -%}
    {%- for digit in range(1, 10) -%}
        {%- do digit_rows.append('select ' ~ digit) -%}
    {%- endfor -%}
    {%- set digits = '(select 0 as d union all ' ~ digit_rows | join(' union all ') ~ ')' -%}
    select
        cast({{ dbt.dateadd('day', 'day_numbers.day_offset', 'spine_bounds.start_date') }} as date) as date_day
    from (
        select
            cast({{ start_date }} as date) as start_date,
            cast({{ end_date }} as date) as end_date
    ) as spine_bounds
    cross join (
        select
            ones.d + 10 * tens.d + 100 * hundreds.d + 1000 * thousands.d + 10000 * ten_thousands.d as day_offset
        from {{ digits }} as ones
        cross join {{ digits }} as tens
        cross join {{ digits }} as hundreds
        cross join {{ digits }} as thousands
        cross join {{ digits }} as ten_thousands
    ) as day_numbers
    where day_numbers.day_offset <= {{ dbt.datediff('spine_bounds.start_date', 'spine_bounds.end_date', 'day') }}
{%- endmacro %}
