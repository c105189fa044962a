-- Invariant: each funnel step holds at most the previous step's users
-- (sessions), per day, channel and device.
select
    funnel_date,
    channel,
    device,
    browse_users,
    cart_users,
    order_users,
    paid_users,
    browse_sessions,
    cart_sessions,
    order_sessions,
    paid_sessions
from {{ ref('fct_funnel_daily') }}
where
    cart_users > browse_users
    or order_users > cart_users
    or paid_users > order_users
    or cart_sessions > browse_sessions
    or order_sessions > cart_sessions
    or paid_sessions > order_sessions
    or browse_users + browse_sessions = 0
