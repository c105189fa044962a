{#-
    The data's window, one row (docs/staging.md, "The data's window"):
    the first and last Asia/Shanghai day with a registration, an order
    placed or paid, or a behaviour event (each var data_start_date /
    data_end_date overrides its day), and the calendar's span: from the
    first day of data_start_date's year to the last day of the year that
    holds data_end_date plus the longest horizon a deadline needs
    (macro data_window_horizon). Definitions: _core__models.yml.
-#}
{{ config(materialized='table') }}
{%- set horizon = data_window_horizon() %}
with

users as (

    select registered_date
    from {{ ref('stg_shop__users') }}

),

orders as (

    select
        placed_date,
        paid_date
    from {{ ref('stg_shop__orders') }}

),

events as (

    select event_date
    from {{ ref('stg_tracking__events') }}

),

activity_days as (

    select registered_date as activity_date from users
    union all
    select placed_date as activity_date from orders
    union all
    select paid_date as activity_date from orders
    union all
    select event_date as activity_date from events

),

derived as (

    select
        min(activity_date) as first_activity_date,
        max(activity_date) as last_activity_date
    from activity_days

),

window_days as (

    select
        {% if var('data_start_date', '') -%}
            cast('{{ var("data_start_date") }}' as date)
        {%- else -%}
            first_activity_date
        {%- endif %} as data_start_date,
        {% if var('data_end_date', '') -%}
            cast('{{ var("data_end_date") }}' as date)
        {%- else -%}
            last_activity_date
        {%- endif %} as data_end_date
    from derived

),

horizon as (

    select
        data_start_date,
        data_end_date,
        greatest(
            cast({{ dbt.dateadd('day', horizon.days, 'data_end_date') }} as date),
            cast({{ dbt.dateadd('month', horizon.months, 'data_end_date') }} as date)
        ) as horizon_end_date
    from window_days

),

final as (

    select
        data_start_date,
        data_end_date,
        cast({{ dbt.date_trunc('year', 'data_start_date') }} as date) as calendar_start_date,
        cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, dbt.date_trunc('year', 'horizon_end_date'))) }}
            as date
        ) as calendar_end_date
    from horizon

)

select * from final
