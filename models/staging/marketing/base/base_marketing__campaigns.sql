{#-
    Every raw campaign row, typed, with its quarantine reason and its
    duplicate rank (rank_versions: 1 = judged, staged or quarantined).
    campaign_name is free text: personal numbers typed into it are masked.
    campaign_type is a descriptive attribute: none given, or a value not
    recognised, is unknown, never a reason to set a campaign aside.
    Raw columns are referenced by their raw names; in DuckDB a table column
    takes precedence over a select alias of the same name.
-#}
with

source as (

    select
        campaign_id,
        campaign_name,
        campaign_type,
        start_date,
        end_date,
        budget,
        loaded_at,
        raw_line_number,
        raw_line_shape
    from {{ raw_source('marketing', 'campaigns') }}

),

typed as (

    select
        {{ safe_cast('campaign_id', 'bigint') }} as campaign_id,
        nullif(trim({{ mask_free_text('campaign_name') }}), '') as campaign_name,
        {{ free_text_masked_flag('campaign_name') }} as pii_masked_values,
        {{ normalise_enum('campaign_type') }} as raw_campaign_type,
        {{ safe_cast('start_date', 'date') }} as start_date,
        {{ safe_cast('end_date', 'date') }} as end_date,
        {{ parse_money('budget') }} as budget_cny,
        {{ parse_timestamp('loaded_at') }} as loaded_at,
        raw_line_number,
        coalesce(
            cast(campaign_id as {{ dbt.type_string() }}),
            'line ' || cast(raw_line_number as {{ dbt.type_string() }})
        ) as natural_key,
        {% set raw_columns = ['campaign_id', 'campaign_name', 'campaign_type', 'start_date', 'end_date',
             'budget', 'loaded_at'] -%}
        case
            when raw_line_number is not null then raw_line_shape
            else {{ raw_row_json(raw_columns) }}
        end as raw_row,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        campaign_id is null as is_key_missing,
        (
            start_date is null
            or end_date is null
            or {{ cast_fails('campaign_id', 'bigint') }}
            or {{ cast_fails('start_date', 'date') }}
            or {{ cast_fails('end_date', 'date') }}
            or {{ money_fails('budget') }}
        ) as has_invalid_value,
        {{ money_sub_cent('budget') }} as has_sub_cent_money
    from source

),

repaired as (

    select
        typed.campaign_id,
        typed.campaign_name,
        typed.pii_masked_values,
        -- Repair: campaign_type is descriptive; none given, or a value not
        -- recognised, is unknown.
        case
            when typed.raw_campaign_type in (
                    'new_user_week', 'points_race', 'flash_discount_night', 'member_day',
                    'weekend_flash_sale', 'referral', 'festival', 'community_coupon', 'member_coupon'
                )
                then typed.raw_campaign_type
            else 'unknown'
        end as campaign_type,
        typed.start_date,
        typed.end_date,
        typed.budget_cny,
        typed.loaded_at,
        typed.raw_line_number,
        typed.natural_key,
        typed.raw_row,
        typed.row_fingerprint,
        typed.is_key_missing,
        typed.has_invalid_value,
        typed.has_sub_cent_money,
        -- Implausible days. A campaign is planned ahead, so its days may lie
        -- after the row's loaded_at and are not checked against it; they are
        -- checked for a system's stand-in for "no date" (the epoch day,
        -- 1900-01-01, 0001-01-01, any day in year 9999, the usual
        -- "open-ended" end date: fct_campaign_performance bounds a campaign's
        -- orders and repurchase window by its end date, so an open-ended
        -- campaign is quarantined, not repaired) and for a day before var
        -- raw_timestamp_floor. Then loaded_at itself (macro).
        {%- set floor = var('raw_timestamp_floor', '1990-01-01') %}
        coalesce(
            case
                {% for day in ['typed.start_date', 'typed.end_date'] -%}
                    when {{ day }} in (
                            cast('1970-01-01' as date), cast('1900-01-01' as date), cast('0001-01-01' as date)
                        )
                        or extract(year from {{ day }}) >= 9999
                        then 'timestamp_placeholder'
                {% endfor -%}
                {% for day in ['typed.start_date', 'typed.end_date'] -%}
                    when {{ day }} < cast('{{ floor }}' as date) then 'timestamp_before_floor'
                {% endfor -%}
            end,
            {{ implausible_timestamp_rule([], 'typed.loaded_at') }}
        ) as implausible_timestamp_rule
    from typed

),

ranked as (

    {{ rank_versions('repaired', ['campaign_id']) }}

),

{% set quarantine_rule -%}
    case
        {{ shared_quarantine_rules('ranked') }}
        when ranked.budget_cny < 0 then 'negative_amount'
        when ranked.end_date < ranked.start_date then 'end_before_start'
    end
{%- endset %}

final as (

    select
        ranked.campaign_id,
        ranked.campaign_name,
        ranked.campaign_type,
        ranked.start_date,
        ranked.end_date,
        ranked.budget_cny,
        ranked.pii_masked_values,
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

)

select * from final
