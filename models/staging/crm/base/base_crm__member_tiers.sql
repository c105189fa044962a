{#-
    Every raw tier change row, typed, with its quarantine reason and its
    duplicate rank (rank_versions: 1 = judged, staged or quarantined). The
    tier codes define what the change is: they stay strict (unknown_enum).
    Raw columns are referenced by their raw names; in DuckDB a table column
    takes precedence over a select alias of the same name.
-#}
with

source as (

    select
        tier_change_id,
        user_id,
        from_tier,
        to_tier,
        changed_at,
        loaded_at,
        raw_line_number,
        raw_line_shape
    from {{ raw_source('crm', 'member_tiers') }}

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
        {{ safe_cast('tier_change_id', 'bigint') }} as tier_change_id,
        {{ safe_cast('user_id', 'bigint') }} as user_id,
        {{ normalise_enum('from_tier') }} as raw_from_tier,
        {{ normalise_enum('to_tier') }} as raw_to_tier,
        {{ parse_timestamp('changed_at') }} as changed_at,
        {{ parse_timestamp('loaded_at') }} as loaded_at,
        raw_line_number,
        coalesce(
            cast(tier_change_id as {{ dbt.type_string() }}),
            'line ' || cast(raw_line_number as {{ dbt.type_string() }})
        ) as natural_key,
        {% set raw_columns = ['tier_change_id', 'user_id', 'from_tier', 'to_tier', 'changed_at', 'loaded_at'] -%}
        case
            when raw_line_number is not null then raw_line_shape
            else {{ raw_row_json(raw_columns) }}
        end as raw_row,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        (tier_change_id is null or user_id is null) as is_key_missing,
        (
            changed_at is null
            or {{ cast_fails('tier_change_id', 'bigint') }}
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ timestamp_fails('changed_at') }}
        ) as has_invalid_value
    from source

),

repaired as (

    select
        typed.tier_change_id,
        typed.user_id,
        -- Repair: the CRM's card names (silver = regular, gold = vip).
        {% for tier_column in ['from_tier', 'to_tier'] -%}
            case
                when typed.raw_{{ tier_column }} in ('non_member', 'none', 'non-member') then 'non_member'
                when typed.raw_{{ tier_column }} in ('regular', 'silver', '普通会员', '银卡') then 'regular'
                when typed.raw_{{ tier_column }} in ('vip', 'gold', '金卡') then 'vip'
            end as {{ tier_column }},
        {% endfor -%}
        typed.raw_from_tier,
        typed.raw_to_tier,
        typed.changed_at,
        {{ to_shanghai_date('typed.changed_at') }} as changed_date,
        typed.loaded_at,
        typed.raw_line_number,
        typed.natural_key,
        typed.raw_row,
        typed.row_fingerprint,
        typed.is_key_missing,
        typed.has_invalid_value,
        {{ implausible_timestamp_rule(['typed.changed_at'], 'typed.loaded_at') }} as implausible_timestamp_rule
    from typed

),

ranked as (

    {{ rank_versions('repaired', ['tier_change_id']) }}

),

{% set quarantine_rule -%}
    case
        {{ shared_quarantine_rules('ranked', has_money=false) }}
        when ranked.from_tier is null or ranked.to_tier is null then 'unknown_enum'
        when users.user_id is null then 'orphan_user'
        when users.quarantine_reason = 'test_account' then 'test_account'
        when users.quarantine_reason is not null then 'parent_quarantined'
    end
{%- endset %}

final as (

    select
        ranked.tier_change_id,
        ranked.user_id,
        ranked.from_tier,
        ranked.to_tier,
        ranked.changed_at,
        ranked.changed_date,
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
    left join users
        on ranked.user_id = users.user_id

)

select * from final
