{#-
    The conversion funnel browse -> add to cart -> order -> pay, one row per
    Asia/Shanghai day, channel and device, counted per user and per session.
    Definitions are in _retention__models.yml.
-#}
{%- set window_days = var('funnel_conversion_window_days') -%}

with

user_days as (

    select
        funnel_date,
        channel,
        device,
        has_cart,
        has_order,
        has_paid_order
    from {{ ref('int_funnel_user_days') }}

),

sessions as (

    select
        funnel_date,
        channel,
        device,
        has_cart,
        has_order,
        has_paid_order
    from {{ ref('int_funnel_sessions') }}

),

user_counts as (

    select
        funnel_date,
        channel,
        device,
        count(*) as browse_users,
        sum(case when has_cart then 1 else 0 end) as cart_users,
        sum(case when has_order then 1 else 0 end) as order_users,
        sum(case when has_paid_order then 1 else 0 end) as paid_users
    from user_days
    group by
        funnel_date,
        channel,
        device

),

session_counts as (

    select
        funnel_date,
        channel,
        device,
        count(*) as browse_sessions,
        sum(case when has_cart then 1 else 0 end) as cart_sessions,
        sum(case when has_order then 1 else 0 end) as order_sessions,
        sum(case when has_paid_order then 1 else 0 end) as paid_sessions
    from sessions
    group by
        funnel_date,
        channel,
        device

),

day_channel_devices as (

    select
        funnel_date,
        channel,
        device
    from user_counts

    union

    select
        funnel_date,
        channel,
        device
    from session_counts

),

counts as (

    select
        day_channel_devices.funnel_date,
        day_channel_devices.channel,
        day_channel_devices.device,
        coalesce(user_counts.browse_users, 0) as browse_users,
        coalesce(user_counts.cart_users, 0) as cart_users,
        coalesce(user_counts.order_users, 0) as order_users,
        coalesce(user_counts.paid_users, 0) as paid_users,
        coalesce(session_counts.browse_sessions, 0) as browse_sessions,
        coalesce(session_counts.cart_sessions, 0) as cart_sessions,
        coalesce(session_counts.order_sessions, 0) as order_sessions,
        coalesce(session_counts.paid_sessions, 0) as paid_sessions,
        -- the window of a browse on day d ends at the latest on day d + N
        cast({{ dbt.dateadd('day', window_days, 'day_channel_devices.funnel_date') }} as date)
        <= {{ last_data_date() }} as is_window_complete
    from day_channel_devices
    left join user_counts
        on
            day_channel_devices.funnel_date = user_counts.funnel_date
            and day_channel_devices.channel = user_counts.channel
            and day_channel_devices.device = user_counts.device
    left join session_counts
        on
            day_channel_devices.funnel_date = session_counts.funnel_date
            and day_channel_devices.channel = session_counts.channel
            and day_channel_devices.device = session_counts.device

),

final as (

    select
        funnel_date,
        channel,
        device,
        cast(browse_users as bigint) as browse_users,
        cast(cart_users as bigint) as cart_users,
        cast(order_users as bigint) as order_users,
        cast(paid_users as bigint) as paid_users,
        case
            when is_window_complete then {{ safe_rate('cart_users', 'browse_users') }}
        end as browse_to_cart_rate,
        case
            when is_window_complete then {{ safe_rate('order_users', 'cart_users') }}
        end as cart_to_order_rate,
        case
            when is_window_complete then {{ safe_rate('paid_users', 'order_users') }}
        end as order_to_paid_rate,
        case
            when is_window_complete then {{ safe_rate('paid_users', 'browse_users') }}
        end as browse_to_paid_rate,
        cast(browse_sessions as bigint) as browse_sessions,
        cast(cart_sessions as bigint) as cart_sessions,
        cast(order_sessions as bigint) as order_sessions,
        cast(paid_sessions as bigint) as paid_sessions,
        case
            when is_window_complete then {{ safe_rate('cart_sessions', 'browse_sessions') }}
        end as session_browse_to_cart_rate,
        case
            when is_window_complete then {{ safe_rate('order_sessions', 'cart_sessions') }}
        end as session_cart_to_order_rate,
        case
            when is_window_complete then {{ safe_rate('paid_sessions', 'order_sessions') }}
        end as session_order_to_paid_rate,
        is_window_complete
    from counts

)

select * from final
