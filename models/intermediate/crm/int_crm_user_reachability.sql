{#-
    One row per user of dim_users: from which Asia/Shanghai day the CRM can
    reach the user on each action channel. The export carries no consent
    flags, so reachability is derived (never recorded): sms once a phone
    number is on record (a phone hash, from registration), push once the user
    has used the app (registered on it, or a tracking event on it), wecom
    once the user is in the private community (acquired through it) or has
    received a WeCom message. Rules are in _int_crm__models.yml.
-#}
with

users as (

    select
        user_id,
        registered_date,
        device,
        acquisition_channel,
        phone_hash
    from {{ ref('dim_users') }}

),

app_events as (

    select
        user_id,
        min(event_date) as first_app_event_date
    from {{ ref('stg_tracking__events') }}
    where platform = 'app'
    group by user_id

),

wecom_messages as (

    select
        user_id,
        min(sent_date) as first_wecom_message_date
    from {{ ref('stg_crm__messages') }}
    where message_channel = 'wecom'
    group by user_id

),

final as (

    select
        users.user_id,
        case when users.phone_hash is not null then users.registered_date end as sms_reachable_from_date,
        case
            when users.device = 'app' then users.registered_date
            else app_events.first_app_event_date
        end as push_reachable_from_date,
        case
            when users.acquisition_channel = 'private_community' then users.registered_date
            else wecom_messages.first_wecom_message_date
        end as wecom_reachable_from_date
    from users
    left join app_events
        on users.user_id = app_events.user_id
    left join wecom_messages
        on users.user_id = wecom_messages.user_id

)

select * from final
