{#-
    Every raw CRM message row, typed, with its quarantine reason and its
    duplicate rank (rank_versions: 1 = judged, staged or quarantined). The
    channel and the purpose define what the touch is (the recall steps and
    the 3-SMS-a-day rule read them): they stay strict (unknown_enum). Sending
    and the first click are the row's events.
    Raw columns are referenced by their raw names; in DuckDB a table column
    takes precedence over a select alias of the same name.

    Incremental on DuckDB (docs/incremental.md): a run on a warehouse that
    has this table re-judges only the message_ids with a raw row loaded at or
    after the cutoff, or whose parent changed (its user's row
    loaded at or after it), plus every row without a usable message_id;
    each from all of its raw rows. On Spark too
    (macros/spark/spark_incremental.sql).
-#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='increment_key',
    on_schema_change='fail',
) }}
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
        loaded_at,
        raw_line_number,
        raw_line_shape
    from {{ raw_source('crm', 'messages') }}

),

increment as (

    select *
    from source
    where {{ increment_filter(
        key=safe_cast('message_id', 'bigint'),
        loaded_at=parse_timestamp('loaded_at'),
        rows='source',
        parent={'fk': safe_cast('user_id', 'bigint'), 'relation': ref('base_shop__users'), 'key': 'user_id'},
    ) }}

),

users as (

    select
        user_id,
        quarantine_reason
    from {{ ref('base_shop__users') }}
    where is_key_version

),

typed as (

    select
        {{ safe_cast('message_id', 'bigint') }} as message_id,
        {{ safe_cast('user_id', 'bigint') }} as user_id,
        {{ normalise_enum('message_channel') }} as raw_message_channel,
        {{ normalise_enum('purpose') }} as purpose,
        {{ safe_cast('campaign_id', 'bigint') }} as campaign_id,
        {{ parse_timestamp('sent_at') }} as sent_at,
        {{ parse_timestamp('clicked_at') }} as clicked_at,
        {{ parse_timestamp('loaded_at') }} as loaded_at,
        raw_line_number,
        coalesce(
            cast(message_id as {{ dbt.type_string() }}),
            'line ' || cast(raw_line_number as {{ dbt.type_string() }})
        ) as natural_key,
        {% set raw_columns = ['message_id', 'user_id', 'message_channel', 'purpose', 'campaign_id',
             'sent_at', 'clicked_at', 'loaded_at'] -%}
        case
            when raw_line_number is not null then raw_line_shape
            else {{ raw_row_json(raw_columns) }}
        end as raw_row,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        (message_id is null or user_id is null) as is_key_missing,
        (
            sent_at is null
            or {{ cast_fails('message_id', 'bigint') }}
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ cast_fails('campaign_id', 'bigint') }}
            or {{ timestamp_fails('sent_at') }}
            or {{ timestamp_fails('clicked_at') }}
        ) as has_invalid_value
    from increment

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
        typed.raw_line_number,
        typed.natural_key,
        typed.raw_row,
        typed.row_fingerprint,
        typed.is_key_missing,
        typed.has_invalid_value,
        {{ implausible_timestamp_rule(['typed.sent_at', 'typed.clicked_at'], 'typed.loaded_at') }}
            as implausible_timestamp_rule
    from typed

),

ranked as (

    {{ rank_versions('repaired', ['message_id']) }}

),

{% set quarantine_rule -%}
    case
        {{ shared_quarantine_rules('ranked', has_money=false) }}
        when ranked.message_channel is null
            or ranked.purpose not in ('recall_1', 'recall_2', 'recall_3', 'promotion', 'logistics_notice')
            or ranked.purpose is null
            then 'unknown_enum'
        when ranked.clicked_at < ranked.sent_at then 'clicked_before_sent'
        when users.user_id is null then 'orphan_user'
        when users.quarantine_reason = 'test_account' then 'test_account'
        when users.quarantine_reason is not null then 'parent_quarantined'
    end
{%- endset %}

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
        -- The contract has no free-text column: nothing to mask.
        cast(0 as integer) as pii_masked_values,
        ranked.loaded_at,
        ranked.natural_key,
        -- What an incremental run replaces rows by: the message_id, or one
        -- bucket for every row without a usable one (always re-judged).
        coalesce(cast(ranked.message_id as {{ dbt.type_string() }}), '(no message_id)') as increment_key,
        -- Kept, masked, for the rows set aside (stg_quarantine__rows): a staged
        -- row or a removed duplicate is in the raw file as loaded.
        case
            when ({{ quarantine_rule }}) is not null then {{ mask_free_text('ranked.raw_row') }}
        end as raw_row,
        ranked.row_fingerprint,
        ranked.duplicate_rank,
        ranked.key_rank,
        ranked.is_key_version,
        {{ quarantine_rule }} as quarantine_reason
    from ranked
    left join users
        on ranked.user_id = users.user_id

)

select * from final
