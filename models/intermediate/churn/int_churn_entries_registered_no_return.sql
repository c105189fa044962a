{#-
    Churn node 1, registered_no_return (注册后无行为): every registered user
    enters the node at registration. The recovery is the user's first
    tracking event of any type (login, page view, search, add to cart) after
    the registration instant. Windows, deadlines and losses are applied in
    int_churn_node_episodes.
-#}
{{ config(materialized='table') }}
with

users as (

    select
        user_id,
        registered_at
    from {{ ref('stg_shop__users') }}

),

events as (

    select
        event_id,
        user_id,
        event_type,
        campaign_id,
        event_at
    from {{ ref('stg_tracking__events') }}

),

events_after_registration as (

    select
        events.user_id,
        events.event_id,
        events.event_type,
        events.campaign_id,
        events.event_at,
        row_number() over (
            partition by events.user_id
            order by events.event_at, events.event_id
        ) as event_rank
    from events
    inner join users
        on events.user_id = users.user_id
    where events.event_at > users.registered_at

),

first_returns as (

    select
        user_id,
        event_id,
        campaign_id,
        event_at
    from events_after_registration
    where event_rank = 1

),

logins_after_registration as (

    select distinct user_id
    from events_after_registration
    where event_type = 'login'

),

final as (

    select
        users.user_id,
        'registered_no_return' as node,
        users.registered_at as entered_at,
        'registration' as entry_reference_type,
        users.user_id as entry_reference_id,
        first_returns.event_at as recovered_at,
        case when first_returns.event_id is not null then 'event' end as recovery_reference_type,
        first_returns.event_id as recovery_reference_id,
        first_returns.campaign_id as recovery_campaign_id,
        logins_after_registration.user_id is not null as has_login_after_entry
    from users
    left join first_returns
        on users.user_id = first_returns.user_id
    left join logins_after_registration
        on users.user_id = logins_after_registration.user_id

)

select * from final
