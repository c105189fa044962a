{#-
    Every raw experiment assignment row, typed, with its quarantine reason
    and its rank among rows of the same assignment_id (1 = latest loaded_at,
    the one kept).
-#}
with

source as (

    select
        assignment_id,
        experiment_id,
        user_id,
        group_name,
        assigned_at,
        loaded_at
    from {{ raw_source('growth', 'experiments') }}

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
        {{ safe_cast('assignment_id', 'bigint') }} as assignment_id,
        {{ normalise_enum('experiment_id') }} as experiment_id,
        {{ safe_cast('user_id', 'bigint') }} as user_id,
        -- Repair: group names are upper-case A / B whatever the export wrote.
        upper({{ normalise_enum('group_name') }}) as group_name,
        {{ safe_cast('assigned_at', 'timestamp') }} as assigned_at,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        cast(assignment_id as {{ dbt.type_string() }}) as natural_key,
        {{ raw_row_json(
            ['assignment_id', 'experiment_id', 'user_id', 'group_name', 'assigned_at', 'loaded_at']
        ) }} as raw_row,
        (assignment_id is null or experiment_id is null or user_id is null) as is_key_missing,
        (
            assigned_at is null
            or loaded_at is null
            or {{ cast_fails('assignment_id', 'bigint') }}
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ cast_fails('assigned_at', 'timestamp') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
        ) as has_invalid_value
    from source

),

ranked as (

    select
        typed.*,
        {{ to_shanghai_date('typed.assigned_at') }} as assigned_date,
        case
            when typed.assignment_id is null then 1
            else row_number() over (
                    partition by typed.assignment_id
                    order by typed.loaded_at desc nulls last, typed.raw_row desc
                )
        end as duplicate_rank
    from typed

),

final as (

    select
        ranked.assignment_id,
        ranked.experiment_id,
        ranked.user_id,
        ranked.group_name,
        ranked.assigned_at,
        ranked.assigned_date,
        ranked.loaded_at,
        ranked.natural_key,
        ranked.raw_row,
        ranked.duplicate_rank,
        case
            when ranked.is_key_missing then 'null_key'
            when ranked.has_invalid_value then 'invalid_value'
            when ranked.group_name not in ('A', 'B') or ranked.group_name is null then 'unknown_enum'
            when users.user_id is null then 'orphan_user'
            when users.quarantine_reason = 'test_account' then 'test_account'
            when users.quarantine_reason is not null then 'parent_quarantined'
        end as quarantine_reason
    from ranked
    left join users
        on ranked.user_id = users.user_id

)

select * from final
