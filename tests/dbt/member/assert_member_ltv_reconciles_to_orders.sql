-- fct_member_ltv holds every paid order of its complete months exactly
-- once: per month, its paid orders and paid GMV equal fct_orders' for the
-- orders paid in that month (all customers' first orders are in their
-- cohort month, so every paid order of a complete month belongs to a row).

with

member_ltv as (

    select * from {{ ref('fct_member_ltv') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

ltv_months as (

    select
        month_start_date,
        max(month_end_date) as month_end_date,
        sum(paid_orders) as paid_orders,
        sum(paid_gmv_cny) as paid_gmv_cny
    from member_ltv
    group by month_start_date

),

order_months as (

    select
        ltv_months.month_start_date,
        count(orders.order_id) as paid_orders,
        coalesce(sum(orders.paid_gmv_cny), 0) as paid_gmv_cny
    from ltv_months
    left join orders
        on
            orders.is_paid
            and ltv_months.month_start_date <= orders.paid_date
            and ltv_months.month_end_date >= orders.paid_date
    group by ltv_months.month_start_date

)

select
    ltv_months.month_start_date,
    ltv_months.paid_orders as ltv_paid_orders,
    order_months.paid_orders as order_paid_orders,
    ltv_months.paid_gmv_cny as ltv_paid_gmv_cny,
    order_months.paid_gmv_cny as order_paid_gmv_cny
from ltv_months
inner join order_months
    on ltv_months.month_start_date = order_months.month_start_date
where
    ltv_months.paid_orders != order_months.paid_orders
    or ltv_months.paid_gmv_cny != order_months.paid_gmv_cny
