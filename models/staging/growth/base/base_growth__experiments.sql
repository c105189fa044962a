{#-
    Every raw experiment assignment row, typed, with its quarantine reason
    and its duplicate rank (rank_versions: 1 = judged, staged or
    quarantined). The group defines what the row is and stays strict: a
    group other than A or B is unknown_enum.
    Raw columns are referenced by their raw names; in DuckDB a table column
    takes precedence over a select alias of the same name.
-#}
with

source as (

    select
        assignment_id,
        experiment_id,
        user_id,
        group_name,
        assigned_at,
        loaded_at,
        raw_line_number,
        raw_line_shape
    from {{ raw_source('growth', 'experiments') }}

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
        {{ safe_cast('assignment_id', 'bigint') }} as assignment_id,
        {{ normalise_enum('experiment_id') }} as experiment_id,
        {{ safe_cast('user_id', 'bigint') }} as user_id,
        -- Repair: group names are upper-case A / B whatever the export wrote.
        upper({{ normalise_enum('group_name') }}) as group_name,
        {{ parse_timestamp('assigned_at') }} as assigned_at,
        {{ parse_timestamp('loaded_at') }} as loaded_at,
        raw_line_number,
        coalesce(
            cast(assignment_id as {{ dbt.type_string() }}),
            'line ' || cast(raw_line_number as {{ dbt.type_string() }})
        ) as natural_key,
        {% set raw_columns = ['assignment_id', 'experiment_id', 'user_id', 'group_name', 'assigned_at', 'loaded_at'] -%}
        case
            when raw_line_number is not null then raw_line_shape
            else {{ raw_row_json(raw_columns) }}
        end as raw_row,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        (assignment_id is null or experiment_id is null or user_id is null) as is_key_missing,
        (
            assigned_at is null
            or {{ cast_fails('assignment_id', 'bigint') }}
            or {{ cast_fails('user_id', 'bigint') }}
            or {{ timestamp_fails('assigned_at') }}
        ) as has_invalid_value
    from source

),

repaired as (

    select
        typed.assignment_id,
        typed.experiment_id,
        typed.user_id,
        typed.group_name,
        typed.assigned_at,
        {{ to_shanghai_date('typed.assigned_at') }} as assigned_date,
        typed.loaded_at,
        typed.raw_line_number,
        typed.natural_key,
        typed.raw_row,
        typed.row_fingerprint,
        typed.is_key_missing,
        typed.has_invalid_value,
        {{ implausible_timestamp_rule(['typed.assigned_at'], 'typed.loaded_at') }} as implausible_timestamp_rule
    from typed

),

ranked as (

    {{ rank_versions('repaired', ['assignment_id']) }}

),

{% set quarantine_rule -%}
    case
        {{ shared_quarantine_rules('ranked', has_money=false) }}
        when ranked.group_name not in ('A', 'B') or ranked.group_name is null then 'unknown_enum'
        when users.user_id is null then 'orphan_user'
        when users.quarantine_reason = 'test_account' then 'test_account'
        when users.quarantine_reason is not null then 'parent_quarantined'
    end
{%- endset %}

final as (

    select
        ranked.assignment_id,
        ranked.experiment_id,
        ranked.user_id,
        ranked.group_name,
        ranked.assigned_at,
        ranked.assigned_date,
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
