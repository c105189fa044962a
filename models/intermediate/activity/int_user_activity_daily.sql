{#-
    One row per user and Asia/Shanghai day with any recorded activity: a
    tracking event, an order placed, or an order paid. Shared by the
    retention and churn areas (owned by retention). Each activity is dated by
    the Asia/Shanghai day of its own UTC timestamp; a paid order counts on the
    day it was paid, not the day it was placed. Interactions (互动: the event
    types of var value_interaction_event_types, macro value_is_interaction)
    are counted here once, for the value levels.
-#}
{{ config(materialized='table') }}

with

events as (

    select
        user_id,
        event_type,
        event_at
    from {{ ref('stg_tracking__events') }}

),

orders as (

    select
        user_id,
        placed_at,
        paid_at,
        is_paid,
        paid_gmv_cny
    from {{ ref('fct_orders') }}

),

event_activity as (

    select
        user_id,
        {{ to_shanghai_date('event_at') }} as activity_date,
        1 as event_count,
        case when event_type = 'login' then 1 else 0 end as login_flag,
        case when event_type in ('page_view', 'search') then 1 else 0 end as browse_flag,
        case when event_type = 'add_to_cart' then 1 else 0 end as cart_flag,
        case when {{ value_is_interaction('event_type') }} then 1 else 0 end as interaction_event_count,
        0 as orders_placed,
        0 as paid_orders,
        cast(0 as decimal(18, 2)) as paid_gmv_cny
    from events

),

placed_order_activity as (

    select
        user_id,
        {{ to_shanghai_date('placed_at') }} as activity_date,
        0 as event_count,
        0 as login_flag,
        0 as browse_flag,
        0 as cart_flag,
        0 as interaction_event_count,
        1 as orders_placed,
        0 as paid_orders,
        cast(0 as decimal(18, 2)) as paid_gmv_cny
    from orders

),

paid_order_activity as (

    select
        user_id,
        {{ to_shanghai_date('paid_at') }} as activity_date,
        0 as event_count,
        0 as login_flag,
        0 as browse_flag,
        0 as cart_flag,
        0 as interaction_event_count,
        0 as orders_placed,
        1 as paid_orders,
        paid_gmv_cny
    from orders
    where is_paid and paid_at is not null

),

all_activity as (

    select * from event_activity
    union all
    select * from placed_order_activity
    union all
    select * from paid_order_activity

),

final as (

    select
        user_id,
        activity_date,
        cast(sum(event_count) as integer) as event_count,
        max(login_flag) = 1 as has_login,
        max(browse_flag) = 1 as has_browse,
        max(cart_flag) = 1 as has_cart,
        cast(sum(interaction_event_count) as integer) as interaction_events,
        cast(sum(orders_placed) as integer) as orders_placed,
        cast(sum(paid_orders) as integer) as paid_orders,
        cast(sum(paid_gmv_cny) as decimal(18, 2)) as paid_gmv_cny
    from all_activity
    group by
        user_id,
        activity_date

)

select * from final
