{#-
    Every raw channel spend row, typed, with its quarantine reason and its
    duplicate rank (rank_versions: 1 = judged, staged or quarantined) over
    the natural key (spend_date, channel, campaign_id), where a null
    campaign (always-on spend) is a key value of its own. The paid channel
    is what the row is about (the key and the channel mart's dimension):
    it stays strict. Zero spend is a real booking (a paused line or a
    make-good the platform still reports); negative spend is quarantined.
    Raw columns are referenced by their raw names; in DuckDB a table column
    takes precedence over a select alias of the same name.
-#}
with

source as (

    select
        spend_date,
        channel,
        campaign_id,
        spend_amount,
        impressions,
        loaded_at,
        raw_line_number,
        raw_line_shape
    from {{ raw_source('marketing', 'channel_spend') }}

),

campaigns as (

    select
        campaign_id,
        quarantine_reason
    from {{ ref('base_marketing__campaigns') }}
    where is_key_version

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
        -- The campaign part of the key, null-safe: '' for always-on spend; a
        -- value that does not cast keeps its raw text, so that it never
        -- collides with the always-on key.
        coalesce(
            cast({{ safe_cast('campaign_id', 'bigint') }} as {{ dbt.type_string() }}),
            trim(cast(campaign_id as {{ dbt.type_string() }})),
            ''
        ) as campaign_key,
        {{ parse_money('spend_amount') }} as spend_cny,
        -- Repair: impressions are descriptive (null where the channel does
        -- not report them); a count that does not cast, or is negative, is
        -- unknown (null), never a reason to set the spend aside.
        case
            when {{ safe_cast('impressions', 'bigint') }} >= 0 then {{ safe_cast('impressions', 'bigint') }}
        end as impressions,
        {{ parse_timestamp('loaded_at') }} as loaded_at,
        raw_line_number,
        case
            when raw_line_number is not null then 'line ' || cast(raw_line_number as {{ dbt.type_string() }})
            else {{ dbt.concat([
                "coalesce(cast(spend_date as " ~ dbt.type_string() ~ "), '')",
                "'|'",
                "coalesce(" ~ normalise_enum('channel') ~ ", '')",
                "'|'",
                "coalesce(cast(campaign_id as " ~ dbt.type_string() ~ "), '')",
            ]) }}
        end as natural_key,
        {% set raw_columns = ['spend_date', 'channel', 'campaign_id', 'spend_amount', 'impressions', 'loaded_at'] -%}
        case
            when raw_line_number is not null then raw_line_shape
            else {{ raw_row_json(raw_columns) }}
        end as raw_row,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        (spend_date is null or channel is null) as is_key_missing,
        (
            spend_amount is null
            or {{ cast_fails('spend_date', 'date') }}
            or {{ cast_fails('campaign_id', 'bigint') }}
            or {{ money_fails('spend_amount') }}
        ) as has_invalid_value,
        {{ money_sub_cent('spend_amount') }} as has_sub_cent_money
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
        typed.campaign_key,
        typed.spend_cny,
        typed.impressions,
        typed.loaded_at,
        typed.raw_line_number,
        typed.natural_key,
        typed.raw_row,
        typed.row_fingerprint,
        typed.is_key_missing,
        typed.has_invalid_value,
        typed.has_sub_cent_money,
        -- Implausible days. The spend day (Asia/Shanghai) is the row's
        -- event: a system's stand-in for "no date" (the epoch day,
        -- 1900-01-01, 0001-01-01, any day in year 9999) or a day before var
        -- raw_timestamp_floor is set aside; then loaded_at itself (macro);
        -- then a day after the Shanghai day of loaded_at (spend of a day
        -- cannot be reported before that day begins).
        {%- set floor = var('raw_timestamp_floor', '1990-01-01') %}
        coalesce(
            case
                when typed.spend_date in (
                        cast('1970-01-01' as date), cast('1900-01-01' as date), cast('0001-01-01' as date)
                    )
                    or extract(year from typed.spend_date) >= 9999
                    then 'timestamp_placeholder'
                when typed.spend_date < cast('{{ floor }}' as date) then 'timestamp_before_floor'
            end,
            {{ implausible_timestamp_rule([], 'typed.loaded_at') }},
            case
                when typed.spend_date > {{ to_shanghai_date('typed.loaded_at') }} then 'timestamp_after_load'
            end
        ) as implausible_timestamp_rule
    from typed
    left join channel_mapping
        on typed.raw_channel = channel_mapping.traffic_source

),

keyed as (

    select
        repaired.*,
        {{ surrogate_key(['repaired.spend_date', 'repaired.channel', 'repaired.campaign_id']) }}
            as channel_spend_id
    from repaired

),

ranked as (

    {{ rank_versions('keyed', ['spend_date', 'channel', 'campaign_key']) }}

),

{% set quarantine_rule -%}
    case
        {{ shared_quarantine_rules('ranked') }}
        when ranked.channel is null then 'unknown_enum'
        when ranked.spend_cny < 0 then 'negative_amount'
        when ranked.campaign_id is not null and campaigns.campaign_id is null then 'orphan_campaign'
        when campaigns.quarantine_reason is not null then 'parent_quarantined'
    end
{%- endset %}

final as (

    select
        ranked.channel_spend_id,
        ranked.spend_date,
        ranked.channel,
        ranked.campaign_id,
        ranked.campaign_key,
        ranked.spend_cny,
        ranked.impressions,
        -- The contract has no free-text column: nothing to mask.
        cast(0 as integer) as pii_masked_values,
        ranked.loaded_at,
        ranked.natural_key,
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
    left join campaigns
        on ranked.campaign_id = campaigns.campaign_id

)

select * from final
