{#-
    Every raw CRM message row, typed, with its quarantine reason and its rank
    among rows of the same message_id (1 = latest loaded_at, the one kept).
-#}
with

source as (

    select
        message_id,
        user_id,
        message_channel,
        purpose,
        campaign_id,
        sent_at,
        clicked_at,
        loaded_at
    from {{ raw_source('crm', 'messages') }}

),

users as (

    select
        user_id,
        quarantine_reason
    from {{ ref('base_shop__users') }}
    where duplicate_rank = 1

),

typed as (

    select
        {{ safe_cast('message_id', 'bigint') }} as message_id,
        {{ safe_cast('user_id', 'bigint') }} as user_id,
        {{ normalise_enum('message_channel') }} as raw_message_channel,
        {{ normalise_enum('purpose') }} as purpose,
        {{ safe_cast('campaign_id', 'bigint') }} as campaign_id,
        {{ safe_cast('sent_at', 'timestamp') }} as sent_at,
        {{ safe_cast('clicked_at', 'timestamp') }} as clicked_at,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        cast(message_id as {{ dbt.type_string() }}) as natural_key,
        {{ raw_row_json(
            ['message_id', 'user_id', 'message_channel', 'purpose', 'campaign_id',
             'sent_at', 'clicked_at', 'loaded_at']
        ) }} as raw_row,
        (message_id is null or user_id is null) as is_key_missing,
        (
            sent_at is null
            or loaded_at is null
            or {{ cast_fails('message_id', 'bigint') }}
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ cast_fails('campaign_id', 'bigint') }}
            or {{ cast_fails('sent_at', 'timestamp') }}
            or {{ cast_fails('clicked_at', 'timestamp') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
        ) as has_invalid_value
    from source

),

repaired as (

    select
        typed.message_id,
        typed.user_id,
        -- Repair: spellings of the channel names (app_push, wechat_work).
        case
            when typed.raw_message_channel in ('sms', 'push', 'wecom', 'phone')
                then typed.raw_message_channel
            when typed.raw_message_channel in ('app_push', 'apppush') then 'push'
            when typed.raw_message_channel in ('wechat_work', 'qiwei', '企业微信') then 'wecom'
            when typed.raw_message_channel in ('call', 'outbound_call') then 'phone'
        end as message_channel,
        typed.purpose,
        case typed.purpose
            when 'recall_1' then 1
            when 'recall_2' then 2
            when 'recall_3' then 3
        end as recall_step,
        typed.purpose in ('recall_1', 'recall_2', 'recall_3', 'promotion') as is_marketing,
        typed.campaign_id,
        typed.sent_at,
        {{ to_shanghai_date('typed.sent_at') }} as sent_date,
        typed.clicked_at,
        typed.clicked_at is not null as is_clicked,
        typed.loaded_at,
        typed.natural_key,
        typed.raw_row,
        typed.is_key_missing,
        typed.has_invalid_value
    from typed

),

ranked as (

    select
        repaired.*,
        case
            when repaired.message_id is null then 1
            else row_number() over (
                    partition by repaired.message_id
                    order by repaired.loaded_at desc nulls last, repaired.raw_row desc
                )
        end as duplicate_rank
    from repaired

),

final as (

    select
        ranked.message_id,
        ranked.user_id,
        ranked.message_channel,
        ranked.purpose,
        ranked.recall_step,
        ranked.is_marketing,
        ranked.campaign_id,
        ranked.sent_at,
        ranked.sent_date,
        ranked.clicked_at,
        ranked.is_clicked,
        ranked.loaded_at,
        ranked.natural_key,
        ranked.raw_row,
        ranked.duplicate_rank,
        case
            when ranked.is_key_missing then 'null_key'
            when ranked.has_invalid_value then 'invalid_value'
            when ranked.message_channel is null
                or ranked.purpose not in ('recall_1', 'recall_2', 'recall_3', 'promotion', 'logistics_notice')
                or ranked.purpose is null
                then 'unknown_enum'
            when ranked.clicked_at < ranked.sent_at then 'clicked_before_sent'
            when users.user_id is null then 'orphan_user'
            when users.quarantine_reason = 'test_account' then 'test_account'
            when users.quarantine_reason is not null then 'parent_quarantined'
        end as quarantine_reason
    from ranked
    left join users
        on ranked.user_id = users.user_id

)

select * from final
