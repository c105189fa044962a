{#-
    Every raw tier change row, typed, with its quarantine reason and its rank
    among rows of the same tier_change_id (1 = latest loaded_at, the one
    kept).
-#}
with

source as (

    select
        tier_change_id,
        user_id,
        from_tier,
        to_tier,
        changed_at,
        loaded_at
    from {{ raw_source('crm', 'member_tiers') }}

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
        {{ safe_cast('tier_change_id', 'bigint') }} as tier_change_id,
        {{ safe_cast('user_id', 'bigint') }} as user_id,
        {{ normalise_enum('from_tier') }} as raw_from_tier,
        {{ normalise_enum('to_tier') }} as raw_to_tier,
        {{ safe_cast('changed_at', 'timestamp') }} as changed_at,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        cast(tier_change_id as {{ dbt.type_string() }}) as natural_key,
        {{ raw_row_json(
            ['tier_change_id', 'user_id', 'from_tier', 'to_tier', 'changed_at', 'loaded_at']
        ) }} as raw_row,
        (tier_change_id is null or user_id is null) as is_key_missing,
        (
            changed_at is null
            or loaded_at is null
            or {{ cast_fails('tier_change_id', 'bigint') }}
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ cast_fails('changed_at', 'timestamp') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
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
            when repaired.tier_change_id is null then 1
            else row_number() over (
                    partition by repaired.tier_change_id
                    order by repaired.loaded_at desc nulls last, repaired.raw_row desc
                )
        end as duplicate_rank
    from repaired

),

final as (

    select
        ranked.tier_change_id,
        ranked.user_id,
        ranked.from_tier,
        ranked.to_tier,
        ranked.changed_at,
        ranked.changed_date,
        ranked.loaded_at,
        ranked.natural_key,
        ranked.raw_row,
        ranked.duplicate_rank,
        case
            when ranked.is_key_missing then 'null_key'
            when ranked.has_invalid_value then 'invalid_value'
            when ranked.from_tier is null or ranked.to_tier is null then 'unknown_enum'
            when users.user_id is null then 'orphan_user'
            when users.quarantine_reason = 'test_account' then 'test_account'
            when users.quarantine_reason is not null then 'parent_quarantined'
        end as quarantine_reason
    from ranked
    left join users
        on ranked.user_id = users.user_id

)

select * from final
