{#-
    The per-session funnel: one row per session with a browse event (page_view
    or search). Cart: an add_to_cart event of the session at or after its
    first browse. Order: an order of the session's user placed between the
    session's first cart and funnel_session_order_grace_minutes after the
    session's last event (orders carry no session id). Payment: such an
    order paid within funnel_conversion_window_days days of the first browse.
    Events without a session id belong to no session.
-#}
{{ config(materialized='table') }}
{%- set window_days = var('funnel_conversion_window_days') -%}
{%- set grace_minutes = var('funnel_session_order_grace_minutes') -%}

with

events as (

    select
        event_id,
        session_id,
        user_id,
        event_type,
        channel,
        platform,
        event_at
    from {{ ref('stg_tracking__events') }}
    where session_id is not null

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
        session_id,
        user_id,
        channel,
        platform,
        event_at,
        row_number() over (
            partition by session_id
            order by event_at, event_id
        ) as browse_rank
    from events
    where event_type in ('page_view', 'search')

),

session_bounds as (

    select
        session_id,
        max(event_at) as last_event_at
    from events
    group by session_id

),

sessions as (

    select
        browse_events.session_id,
        browse_events.user_id,
        {{ to_shanghai_date('browse_events.event_at') }} as funnel_date,
        browse_events.channel,
        browse_events.platform as device,
        browse_events.event_at as browsed_at,
        session_bounds.last_event_at,
        {{ dbt.dateadd('day', window_days, 'browse_events.event_at') }} as window_end_at
    from browse_events
    inner join session_bounds
        on browse_events.session_id = session_bounds.session_id
    where browse_events.browse_rank = 1

),

session_carts as (

    select
        sessions.session_id,
        min(events.event_at) as first_carted_at
    from sessions
    inner join events
        on
            sessions.session_id = events.session_id
            and events.event_type = 'add_to_cart'
            and sessions.browsed_at <= events.event_at
    group by sessions.session_id

),

session_orders as (

    select
        sessions.session_id,
        min(orders.placed_at) as first_ordered_at,
        min(
            case
                when orders.is_paid and orders.paid_at < sessions.window_end_at
                    then orders.paid_at
            end
        ) as first_paid_at
    from sessions
    inner join session_carts
        on sessions.session_id = session_carts.session_id
    inner join orders
        on
            sessions.user_id = orders.user_id
            and session_carts.first_carted_at <= orders.placed_at
            and orders.placed_at < {{ dbt.dateadd('minute', grace_minutes, 'sessions.last_event_at') }}
    group by sessions.session_id

),

final as (

    select
        sessions.session_id,
        sessions.user_id,
        sessions.funnel_date,
        sessions.channel,
        sessions.device,
        sessions.browsed_at,
        sessions.last_event_at,
        session_carts.first_carted_at,
        session_orders.first_ordered_at,
        session_orders.first_paid_at,
        session_carts.first_carted_at is not null as has_cart,
        session_orders.first_ordered_at is not null as has_order,
        session_orders.first_paid_at is not null as has_paid_order
    from sessions
    left join session_carts
        on sessions.session_id = session_carts.session_id
    left join session_orders
        on sessions.session_id = session_orders.session_id

)

select * from final
