{#-
    The per-user funnel: one row per user and Asia/Shanghai day on which the
    user browsed (a page_view or search event). The entry is the day's first
    browse; cart, order and payment count only inside the conversion window
    [first browse, first browse + funnel_conversion_window_days days) and
    only in funnel order (cart at or after the browse, order at or after
    the first cart, payment of such an order).
-#}
{{ config(materialized='table') }}
{%- set window_days = var('funnel_conversion_window_days') -%}

with

events as (

    select
        event_id,
        user_id,
        event_type,
        channel,
        platform,
        event_at
    from {{ ref('stg_tracking__events') }}

),

orders as (

    select
        order_id,
        user_id,
        placed_at,
        paid_at,
        is_paid
    from {{ ref('stg_shop__orders') }}

),

browse_events as (

    select
        user_id,
        event_at,
        channel,
        platform,
        {{ to_shanghai_date('event_at') }} as funnel_date,
        row_number() over (
            partition by user_id, {{ to_shanghai_date('event_at') }}
            order by event_at, event_id
        ) as browse_rank
    from events
    where event_type in ('page_view', 'search')

),

entries as (

    select
        user_id,
        funnel_date,
        channel,
        platform as device,
        event_at as browsed_at,
        {{ dbt.dateadd('day', window_days, 'event_at') }} as window_end_at
    from browse_events
    where browse_rank = 1

),

cart_events as (

    select
        user_id,
        event_at as carted_at
    from events
    where event_type = 'add_to_cart'

),

entry_carts as (

    select
        entries.user_id,
        entries.funnel_date,
        min(cart_events.carted_at) as first_carted_at
    from entries
    inner join cart_events
        on
            entries.user_id = cart_events.user_id
            and entries.browsed_at <= cart_events.carted_at
            and entries.window_end_at > cart_events.carted_at
    group by
        entries.user_id,
        entries.funnel_date

),

entry_orders as (

    select
        entries.user_id,
        entries.funnel_date,
        min(orders.placed_at) as first_ordered_at,
        min(
            case
                when orders.is_paid and orders.paid_at < entries.window_end_at
                    then orders.paid_at
            end
        ) as first_paid_at
    from entries
    inner join entry_carts
        on
            entries.user_id = entry_carts.user_id
            and entries.funnel_date = entry_carts.funnel_date
    inner join orders
        on
            entries.user_id = orders.user_id
            and entry_carts.first_carted_at <= orders.placed_at
            and entries.window_end_at > orders.placed_at
    group by
        entries.user_id,
        entries.funnel_date

),

final as (

    select
        entries.user_id,
        entries.funnel_date,
        entries.channel,
        entries.device,
        entries.browsed_at,
        entries.window_end_at,
        entry_carts.first_carted_at,
        entry_orders.first_ordered_at,
        entry_orders.first_paid_at,
        entry_carts.first_carted_at is not null as has_cart,
        entry_orders.first_ordered_at is not null as has_order,
        entry_orders.first_paid_at is not null as has_paid_order
    from entries
    left join entry_carts
        on
            entries.user_id = entry_carts.user_id
            and entries.funnel_date = entry_carts.funnel_date
    left join entry_orders
        on
            entries.user_id = entry_orders.user_id
            and entries.funnel_date = entry_orders.funnel_date

)

select * from final
