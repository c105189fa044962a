-- Reconciliation: int_user_activity_daily keeps every clean event, every
-- order placed, and every paid order and its GMV (fct_orders), no more.
with

activity as (

    select
        sum(event_count) as events,
        sum(orders_placed) as orders_placed,
        sum(paid_orders) as paid_orders,
        sum(paid_gmv_cny) as paid_gmv_cny
    from {{ ref('int_user_activity_daily') }}

),

events as (

    select count(*) as events from {{ ref('stg_tracking__events') }}

),

orders as (

    select
        count(*) as orders_placed,
        sum(case when is_paid then 1 else 0 end) as paid_orders,
        sum(paid_gmv_cny) as paid_gmv_cny
    from {{ ref('fct_orders') }}

)

select
    activity.events,
    events.events as staging_events,
    activity.orders_placed,
    orders.orders_placed as fct_orders_placed,
    activity.paid_orders,
    orders.paid_orders as fct_paid_orders,
    activity.paid_gmv_cny,
    orders.paid_gmv_cny as fct_paid_gmv_cny
from activity
cross join events
cross join orders
where
    activity.events <> events.events
    or activity.orders_placed <> orders.orders_placed
    or activity.paid_orders <> orders.paid_orders
    or activity.paid_gmv_cny <> orders.paid_gmv_cny
