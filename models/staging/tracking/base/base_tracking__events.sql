{#-
    Every raw behaviour event row, typed, with its quarantine reason and its
    rank among rows of the same event_id (tracking delivers at least once:
    1 = latest loaded_at, the one kept).
-#}
with

source as (

    select
        event_id,
        user_id,
        session_id,
        event_type,
        page,
        platform,
        utm_source,
        utm_campaign,
        event_at,
        loaded_at
    from {{ raw_source('tracking', 'events') }}

),

users as (

    select
        user_id,
        quarantine_reason
    from {{ ref('base_shop__users') }}
    where duplicate_rank = 1

),

channel_mapping as (

    select
        traffic_source,
        channel
    from {{ ref('channel_mapping') }}

),

typed as (

    select
        {{ safe_cast('event_id', 'bigint') }} as event_id,
        {{ safe_cast('user_id', 'bigint') }} as user_id,
        {{ safe_cast('session_id', 'bigint') }} as session_id,
        {{ normalise_enum('event_type') }} as raw_event_type,
        {{ normalise_enum('page') }} as page,
        {{ normalise_enum('platform') }} as raw_platform,
        {{ normalise_enum('utm_source') }} as traffic_source,
        {{ safe_cast('utm_campaign', 'bigint') }} as campaign_id,
        {{ safe_cast('event_at', 'timestamp') }} as event_at,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        cast(event_id as {{ dbt.type_string() }}) as natural_key,
        {{ raw_row_json(
            ['event_id', 'user_id', 'session_id', 'event_type', 'page', 'platform',
             'utm_source', 'utm_campaign', 'event_at', 'loaded_at']
        ) }} as raw_row,
        (event_id is null or user_id is null) as is_key_missing,
        (
            session_id is null
            or event_at is null
            or loaded_at is null
            or {{ cast_fails('event_id', 'bigint') }}
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ cast_fails('session_id', 'bigint') }}
            or {{ cast_fails('utm_campaign', 'bigint') }}
            or {{ cast_fails('event_at', 'timestamp') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
        ) as has_invalid_value
    from source

),

repaired as (

    select
        typed.event_id,
        typed.user_id,
        typed.session_id,
        -- Repair: spellings of the event names in older SDKs.
        case
            when typed.raw_event_type in ('page_view', 'pageview', 'page-view', 'view') then 'page_view'
            when typed.raw_event_type in ('add_to_cart', 'addtocart', 'add-to-cart', 'cart_add') then 'add_to_cart'
            when typed.raw_event_type in ('login', 'search') then typed.raw_event_type
        end as event_type,
        typed.page,
        -- Repair: H5 is the web client; APP / miniprogram spellings.
        case
            when typed.raw_platform in ('app', 'ios', 'android') then 'app'
            when typed.raw_platform in ('mini_program', 'miniprogram', 'mini-program', 'wechat_mini_program')
                then 'mini_program'
            when typed.raw_platform in ('web', 'h5', 'pc') then 'web'
        end as platform,
        typed.traffic_source,
        -- Repair: an unknown traffic source is channel other, none is direct.
        case
            when typed.traffic_source is null then 'direct'
            else coalesce(channel_mapping.channel, 'other')
        end as channel,
        typed.campaign_id,
        typed.event_at,
        {{ to_shanghai_date('typed.event_at') }} as event_date,
        typed.loaded_at,
        typed.natural_key,
        typed.raw_row,
        typed.is_key_missing,
        typed.has_invalid_value
    from typed
    left join channel_mapping
        on typed.traffic_source = channel_mapping.traffic_source

),

ranked as (

    select
        repaired.*,
        case
            when repaired.event_id is null then 1
            else row_number() over (
                    partition by repaired.event_id
                    order by repaired.loaded_at desc nulls last, repaired.raw_row desc
                )
        end as duplicate_rank
    from repaired

),

final as (

    select
        ranked.event_id,
        ranked.user_id,
        ranked.session_id,
        ranked.event_type,
        ranked.page,
        ranked.platform,
        ranked.traffic_source,
        ranked.channel,
        ranked.campaign_id,
        ranked.event_at,
        ranked.event_date,
        ranked.loaded_at,
        ranked.natural_key,
        ranked.raw_row,
        ranked.duplicate_rank,
        case
            when ranked.is_key_missing then 'null_key'
            when ranked.has_invalid_value then 'invalid_value'
            when ranked.event_type is null
                or ranked.platform is null
                or ranked.page not in ('home', 'detail', 'category', 'cart', 'campaign')
                then 'unknown_enum'
            when users.user_id is null then 'orphan_user'
            when users.quarantine_reason = 'test_account' then 'test_account'
            when users.quarantine_reason is not null then 'parent_quarantined'
        end as quarantine_reason
    from ranked
    left join users
        on ranked.user_id = users.user_id

)

select * from final
