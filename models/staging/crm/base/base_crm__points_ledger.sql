{#-
    Every raw points ledger row, typed, with its quarantine reason and its
    rank among rows of the same entry_id (1 = latest loaded_at, the one kept).
    Suspected farming (刷分) is not quarantined: the flag is kept so that the
    member marts count such points apart.
-#}
with

source as (

    select
        entry_id,
        user_id,
        entry_type,
        reason,
        points,
        order_id,
        occurred_at,
        is_farming_suspected,
        loaded_at
    from {{ raw_source('crm', 'points_ledger') }}

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
        {{ safe_cast('entry_id', 'bigint') }} as entry_id,
        {{ safe_cast('user_id', 'bigint') }} as user_id,
        {{ normalise_enum('entry_type') }} as entry_type,
        {{ normalise_enum('reason') }} as reason,
        {{ safe_cast('points', 'integer') }} as points,
        {{ safe_cast('order_id', 'bigint') }} as order_id,
        {{ safe_cast('occurred_at', 'timestamp') }} as occurred_at,
        -- Repair: no flag means not suspected.
        coalesce({{ safe_cast('is_farming_suspected', 'boolean') }}, false) as is_farming_suspected,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        cast(entry_id as {{ dbt.type_string() }}) as natural_key,
        {{ raw_row_json(
            ['entry_id', 'user_id', 'entry_type', 'reason', 'points', 'order_id',
             'occurred_at', 'is_farming_suspected', 'loaded_at']
        ) }} as raw_row,
        (entry_id is null or user_id is null) as is_key_missing,
        (
            points is null
            or occurred_at is null
            or loaded_at is null
            or {{ cast_fails('entry_id', 'bigint') }}
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ cast_fails('points', 'integer') }}
            or {{ cast_fails('order_id', 'bigint') }}
            or {{ cast_fails('occurred_at', 'timestamp') }}
            or {{ cast_fails('is_farming_suspected', 'boolean') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
        ) as has_invalid_value
    from source

),

ranked as (

    select
        typed.*,
        case typed.entry_type
            when 'earn' then typed.points
            when 'redeem' then -typed.points
            when 'expire' then -typed.points
        end as points_delta,
        {{ to_shanghai_date('typed.occurred_at') }} as occurred_date,
        case
            when typed.entry_id is null then 1
            else row_number() over (
                    partition by typed.entry_id
                    order by typed.loaded_at desc nulls last, typed.raw_row desc
                )
        end as duplicate_rank
    from typed

),

final as (

    select
        ranked.entry_id,
        ranked.user_id,
        ranked.entry_type,
        ranked.reason,
        ranked.points,
        ranked.points_delta,
        ranked.order_id,
        ranked.occurred_at,
        ranked.occurred_date,
        ranked.is_farming_suspected,
        ranked.loaded_at,
        ranked.natural_key,
        ranked.raw_row,
        ranked.duplicate_rank,
        case
            when ranked.is_key_missing then 'null_key'
            when ranked.has_invalid_value then 'invalid_value'
            when ranked.entry_type not in ('earn', 'redeem', 'expire')
                or ranked.entry_type is null
                or ranked.reason not in ('purchase', 'check_in', 'share', 'order_redemption', 'year_end_expiry')
                or ranked.reason is null
                then 'unknown_enum'
            when ranked.points <= 0 then 'non_positive_amount'
            when users.user_id is null then 'orphan_user'
            when users.quarantine_reason = 'test_account' then 'test_account'
            when users.quarantine_reason is not null then 'parent_quarantined'
        end as quarantine_reason
    from ranked
    left join users
        on ranked.user_id = users.user_id

)

select * from final
