{#-
    Volume anomaly check: the days whose row count falls outside a band
    around the trailing mean of the previous days.

    model: the relation; date_column: its Asia/Shanghai day column.
    Every day from the first to the last day of the data is checked, days
    without a single row included (their count is 0), so a whole missing day
    is caught as well as a spike. A day is flagged when
        row_count > max_ratio * trailing_mean  (spike), or
        row_count < min_ratio * trailing_mean  (drop),
    where trailing_mean is the mean daily count of the trailing_days days
    before it; days with fewer than min_history_days days of history, or a
    trailing mean below min_baseline rows, are not judged (too little data to
    tell noise from an anomaly). Defaults: the dbt vars volume_* (block
    "quality" of dbt_project.yml). Returns one row per flagged day:
    volume_date, row_count, trailing_mean, ratio_to_trailing_mean, anomaly.
    The calendar's bounds are scalar subqueries evaluated at run time
    (day_spine), so an empty model (an entity exported header-only) gives
    no days and no rows, never an error.
-#}
{% macro volume_anomalies(
    model,
    date_column,
    trailing_days=none,
    max_ratio=none,
    min_ratio=none,
    min_baseline=none,
    min_history_days=none
) -%}
    {%- set trailing_days = trailing_days or var('volume_trailing_days') -%}
    {%- set max_ratio = max_ratio or var('volume_max_ratio') -%}
    {%- set min_ratio = min_ratio or var('volume_min_ratio') -%}
    {%- set min_baseline = min_baseline or var('volume_min_baseline') -%}
    {%- set min_history_days = min_history_days or var('volume_min_history_days') -%}
    {%- set first_day = "(select min(" ~ date_column ~ ") from " ~ model ~ ")" -%}
    {%- set last_day = "(select max(" ~ date_column ~ ") from " ~ model ~ ")" -%}

with

daily_counts as (

    select
        {{ date_column }} as volume_date,
        count(*) as row_count
    from {{ model }}
    where {{ date_column }} is not null
    group by {{ date_column }}

),

calendar_days as (

    {{ day_spine(first_day, last_day) }}

),

every_day as (

    select
        cast(calendar_days.date_day as date) as volume_date,
        coalesce(daily_counts.row_count, 0) as row_count
    from calendar_days
    left join daily_counts
        on cast(calendar_days.date_day as date) = daily_counts.volume_date

),

with_trailing_mean as (

    select
        volume_date,
        row_count,
        avg(row_count) over (
            order by volume_date
            rows between {{ trailing_days }} preceding and 1 preceding
        ) as trailing_mean,
        count(*) over (
            order by volume_date
            rows between {{ trailing_days }} preceding and 1 preceding
        ) as history_days
    from every_day

),

final as (

    select
        volume_date,
        row_count,
        trailing_mean,
        row_count / trailing_mean as ratio_to_trailing_mean,
        case
            when row_count > {{ max_ratio }} * trailing_mean then 'spike'
            else 'drop'
        end as anomaly
    from with_trailing_mean
    where
        history_days >= {{ min_history_days }}
        and trailing_mean >= {{ min_baseline }}
        and (
            row_count > {{ max_ratio }} * trailing_mean
            or row_count < {{ min_ratio }} * trailing_mean
        )

)

select * from final
{%- endmacro %}
