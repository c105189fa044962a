{#-
    Every raw channel spend row, typed, with its quarantine reason and its
    rank among rows of the same (spend_date, channel, campaign_id), the
    natural key (1 = latest loaded_at, the one kept).
-#}
with

source as (

    select
        spend_date,
        channel,
        campaign_id,
        spend_amount,
        impressions,
        loaded_at
    from {{ raw_source('marketing', 'channel_spend') }}

),

campaigns as (

    select
        campaign_id,
        quarantine_reason
    from {{ ref('base_marketing__campaigns') }}
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
        {{ safe_cast('spend_date', 'date') }} as spend_date,
        {{ normalise_enum('channel') }} as raw_channel,
        {{ safe_cast('campaign_id', 'bigint') }} as campaign_id,
        {{ safe_cast('spend_amount', 'decimal(18,2)') }} as spend_cny,
        {{ safe_cast('impressions', 'bigint') }} as impressions,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        {{ raw_row_json(
            ['spend_date', 'channel', 'campaign_id', 'spend_amount', 'impressions', 'loaded_at']
        ) }} as raw_row,
        (spend_date is null or channel is null) as is_key_missing,
        (
            spend_amount is null
            or loaded_at is null
            or {{ cast_fails('spend_date', 'date') }}
            or {{ cast_fails('campaign_id', 'bigint') }}
            or {{ cast_fails('spend_amount', 'decimal(18,2)') }}
            or {{ cast_fails('impressions', 'bigint') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
        ) as has_invalid_value
    from source

),

repaired as (

    select
        typed.spend_date,
        -- Repair: a booking that uses a raw traffic source code instead of
        -- the channel code is mapped like traffic (channel_mapping); a code
        -- that maps to no paid channel is quarantined as unknown_enum.
        case
            when channel_mapping.channel in (
                    'platform_search', 'douyin_live', 'xiaohongshu', 'weibo', 'bilibili',
                    'private_community', 'kol_koc', 'official_site', 'offline_store'
                )
                then channel_mapping.channel
        end as channel,
        typed.raw_channel,
        typed.campaign_id,
        typed.spend_cny,
        typed.impressions,
        typed.loaded_at,
        typed.raw_row,
        typed.is_key_missing,
        typed.has_invalid_value
    from typed
    left join channel_mapping
        on typed.raw_channel = channel_mapping.traffic_source

),

ranked as (

    select
        repaired.*,
        {{ surrogate_key(['repaired.spend_date', 'repaired.channel', 'repaired.campaign_id']) }}
            as channel_spend_id,
        {{ dbt.concat([
            "coalesce(cast(repaired.spend_date as " ~ dbt.type_string() ~ "), '')",
            "'|'",
            "coalesce(repaired.raw_channel, '')",
            "'|'",
            "coalesce(cast(repaired.campaign_id as " ~ dbt.type_string() ~ "), '')",
        ]) }} as natural_key,
        case
            when repaired.spend_date is null or repaired.channel is null then 1
            else row_number() over (
                    partition by repaired.spend_date, repaired.channel, repaired.campaign_id
                    order by repaired.loaded_at desc nulls last, repaired.raw_row desc
                )
        end as duplicate_rank
    from repaired

),

final as (

    select
        ranked.channel_spend_id,
        ranked.spend_date,
        ranked.channel,
        ranked.campaign_id,
        ranked.spend_cny,
        ranked.impressions,
        ranked.loaded_at,
        ranked.natural_key,
        ranked.raw_row,
        ranked.duplicate_rank,
        case
            when ranked.is_key_missing then 'null_key'
            when ranked.has_invalid_value then 'invalid_value'
            when ranked.channel is null then 'unknown_enum'
            when ranked.spend_cny <= 0 or ranked.impressions < 0 then 'non_positive_amount'
            when ranked.campaign_id is not null and campaigns.campaign_id is null then 'orphan_campaign'
            when campaigns.quarantine_reason is not null then 'parent_quarantined'
        end as quarantine_reason
    from ranked
    left join campaigns
        on ranked.campaign_id = campaigns.campaign_id

)

select * from final
