-- One row per customer and calendar month since the month of the first paid
-- order (month 0), for every month the data has fully seen. Paid orders
-- count in the month they were paid, refunds in the month they were
-- requested (int_member_spend_daily), margin only over orders whose item
-- cost is known.

with

users as (

    select * from {{ ref('dim_users') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

spend_daily as (

    select * from {{ ref('int_member_spend_daily') }}

),

tier_history as (

    select * from {{ ref('dim_member_tier_history') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

customers as (

    select
        user_id,
        acquisition_channel,
        first_paid_order_date,
        cast({{ dbt.date_trunc('month', 'first_paid_order_date') }} as date) as cohort_month
    from users
    where first_paid_order_date is not null

),

complete_months as (

    select distinct
        month_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start_date')) }} as date) as month_end_date
    from calendar
    where
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start_date')) }} as date)
        <= {{ last_data_date() }}

),

customer_months as (

    select
        customers.user_id,
        customers.cohort_month,
        customers.acquisition_channel,
        customers.first_paid_order_date,
        complete_months.month_start_date,
        complete_months.month_end_date,
        {{ dbt.datediff('customers.cohort_month', 'complete_months.month_start_date', 'month') }} as month_number
    from customers
    inner join complete_months
        on customers.cohort_month <= complete_months.month_start_date

),

monthly_orders as (

    select
        user_id,
        cast({{ dbt.date_trunc('month', 'paid_date') }} as date) as month_start_date,
        count(*) as paid_orders,
        sum(paid_gmv_cny) as paid_gmv_cny,
        sum(case when item_cost_cny is not null then paid_gmv_cny else 0 end) as cost_known_paid_gmv_cny,
        sum(case when item_cost_cny is not null then gross_margin_cny else 0 end) as gross_margin_cny
    from orders
    where is_paid
    group by user_id, cast({{ dbt.date_trunc('month', 'paid_date') }} as date)

),

monthly_refunds as (

    select
        user_id,
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date) as month_start_date,
        sum(refunded_cny) as refunded_cny
    from spend_daily
    group by user_id, cast({{ dbt.date_trunc('month', 'spend_date') }} as date)

),

filled as (

    select
        customer_months.user_id,
        customer_months.cohort_month,
        customer_months.month_number,
        customer_months.month_start_date,
        customer_months.month_end_date,
        customer_months.acquisition_channel,
        customer_months.first_paid_order_date,
        coalesce(monthly_orders.paid_orders, 0) as paid_orders,
        cast(coalesce(monthly_orders.paid_gmv_cny, 0) as decimal(18, 2)) as paid_gmv_cny,
        cast(coalesce(monthly_refunds.refunded_cny, 0) as decimal(18, 2)) as refunded_cny,
        cast(coalesce(monthly_orders.cost_known_paid_gmv_cny, 0) as decimal(18, 2)) as cost_known_paid_gmv_cny,
        cast(coalesce(monthly_orders.gross_margin_cny, 0) as decimal(18, 2)) as gross_margin_cny
    from customer_months
    left join monthly_orders
        on
            customer_months.user_id = monthly_orders.user_id
            and customer_months.month_start_date = monthly_orders.month_start_date
    left join monthly_refunds
        on
            customer_months.user_id = monthly_refunds.user_id
            and customer_months.month_start_date = monthly_refunds.month_start_date

),

running as (

    select
        user_id,
        cohort_month,
        month_number,
        month_start_date,
        month_end_date,
        acquisition_channel,
        first_paid_order_date,
        paid_orders,
        paid_gmv_cny,
        refunded_cny,
        cast(paid_gmv_cny - refunded_cny as decimal(18, 2)) as net_gmv_cny,
        cost_known_paid_gmv_cny,
        gross_margin_cny,
        cast(sum(paid_orders) over customer_to_date as bigint) as cumulative_paid_orders,
        cast(sum(paid_gmv_cny) over customer_to_date as decimal(18, 2)) as cumulative_paid_gmv_cny,
        cast(sum(paid_gmv_cny - refunded_cny) over customer_to_date as decimal(18, 2)) as cumulative_net_gmv_cny,
        cast(sum(gross_margin_cny) over customer_to_date as decimal(18, 2)) as cumulative_gross_margin_cny
    from filled
    window customer_to_date as (
        partition by user_id
        order by month_number
        rows between unbounded preceding and current row
    )

),

final as (

    select
        {{ surrogate_key(['running.user_id', 'running.month_number']) }} as member_ltv_id,
        running.user_id,
        running.cohort_month,
        running.month_number,
        running.month_start_date,
        running.month_end_date,
        coalesce(running.acquisition_channel, 'other') as acquisition_channel,
        first_order_tier.tier as first_order_tier,
        month_end_tier.tier as tier_at_month_end,
        running.paid_orders,
        running.paid_gmv_cny,
        running.refunded_cny,
        running.net_gmv_cny,
        running.cost_known_paid_gmv_cny,
        running.gross_margin_cny,
        running.cumulative_paid_orders,
        running.cumulative_paid_gmv_cny,
        running.cumulative_net_gmv_cny,
        running.cumulative_gross_margin_cny,
        running.cumulative_paid_orders >= 2 as is_repeat_customer_to_date
    from running
    left join tier_history as first_order_tier
        on
            running.user_id = first_order_tier.user_id
            and running.first_paid_order_date >= first_order_tier.valid_from_date
            and running.first_paid_order_date < first_order_tier.valid_to_date
    left join tier_history as month_end_tier
        on
            running.user_id = month_end_tier.user_id
            and running.month_end_date >= month_end_tier.valid_from_date
            and running.month_end_date < month_end_tier.valid_to_date

)

select * from final
