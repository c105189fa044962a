{#-
    One row per user and Asia/Shanghai calendar month in which the user was
    active (a row of int_user_activity_daily: a tracking event, an order
    placed or an order paid, inside the data's window), with the month's paid
    orders, paid GMV and interactions, and its value level (用户价值分层) S, A,
    B, C or D (macro value_level_case, var value_level_thresholds: the first
    matching level wins). Rules and formulas: _int_value__models.yml.
-#}
{{ config(materialized='table') }}
with

activity as (

    select
        user_id,
        activity_date,
        orders_placed,
        paid_orders,
        paid_gmv_cny,
        interaction_events
    from {{ ref('int_user_activity_daily') }}
    where activity_date between {{ first_data_date() }} and {{ last_data_date() }}

),

months as (

    select
        month_start_date,
        is_complete_month
    from {{ ref('int_value_months') }}

),

user_months as (

    select
        user_id,
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as month_start_date,
        count(*) as active_days,
        sum(orders_placed) as orders_placed,
        sum(paid_orders) as paid_orders,
        sum(paid_gmv_cny) as paid_gmv_cny,
        sum(interaction_events) as interactions
    from activity
    group by
        user_id,
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date)

),

levelled as (

    select
        user_months.user_id,
        user_months.month_start_date,
        months.is_complete_month,
        user_months.active_days,
        user_months.orders_placed,
        user_months.paid_orders,
        user_months.paid_gmv_cny,
        user_months.interactions,
        {{ value_level_case('user_months.paid_orders', 'user_months.interactions', 'user_months.paid_gmv_cny') }}
            as value_level
    from user_months
    inner join months
        on user_months.month_start_date = months.month_start_date

),

final as (

    select
        cast(user_id as bigint) as user_id,
        cast(month_start_date as date) as month_start_date,
        cast(value_level as {{ dbt.type_string() }}) as value_level,
        cast({{ value_level_rank('value_level') }} as integer) as value_level_rank,
        cast(is_complete_month as boolean) as is_complete_month,
        cast(active_days as integer) as active_days,
        cast(orders_placed as integer) as orders_placed,
        cast(paid_orders as integer) as paid_orders,
        cast(paid_gmv_cny as decimal(18, 2)) as paid_gmv_cny,
        cast(interactions as integer) as interactions
    from levelled

)

select * from final
