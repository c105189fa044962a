{#-
    Bracketed retention: one row per cohort definition, cohort and day
    bracket (days 1-7, 8-14, 15-30, 31-60, 61-90 by default, var
    retention_day_brackets). Day numbers count from each member's own
    cohort day. Definitions are in _retention__models.yml.
-#}
with

members as (

    select
        cohort_event,
        cohort_grain,
        cohort_start_date,
        cohort_end_date,
        segment_dimension,
        segment_value,
        user_id
    from {{ ref('int_retention_cohort_members') }}

),

user_activity as (

    select
        user_id,
        cohort_event,
        activity_type,
        day_number
    from {{ ref('int_retention_user_activity_days') }}

),

activity_types as (

    select 'any_event' as activity_type
    union all
    select 'paid_order' as activity_type

),

brackets as (

    {% for bracket in var('retention_day_brackets') -%}
        select
            'd{{ bracket[0] }}_{{ bracket[1] }}' as bracket_name,
            {{ bracket[0] }} as bracket_start_day,
            {{ bracket[1] }} as bracket_end_day
        {% if not loop.last %}union all
        {% endif -%}
    {% endfor %}

),

cohorts as (

    select
        cohort_event,
        cohort_grain,
        cohort_start_date,
        cohort_end_date,
        segment_dimension,
        segment_value,
        count(*) as cohort_size
    from members
    group by
        cohort_event,
        cohort_grain,
        cohort_start_date,
        cohort_end_date,
        segment_dimension,
        segment_value

),

-- One row per user, cohort event, activity type and bracket the user was
-- active in (at least one day of the bracket).
user_brackets as (

    select distinct
        user_activity.user_id,
        user_activity.cohort_event,
        user_activity.activity_type,
        brackets.bracket_name
    from user_activity
    inner join brackets
        on user_activity.day_number between brackets.bracket_start_day and brackets.bracket_end_day

),

member_brackets as (

    select
        members.cohort_event,
        members.cohort_grain,
        members.cohort_start_date,
        members.segment_dimension,
        members.segment_value,
        members.user_id,
        user_brackets.activity_type,
        user_brackets.bracket_name
    from members
    inner join user_brackets
        on
            members.user_id = user_brackets.user_id
            and members.cohort_event = user_brackets.cohort_event

),

retained_in_bracket as (

    select
        cohort_event,
        cohort_grain,
        cohort_start_date,
        segment_dimension,
        segment_value,
        activity_type,
        bracket_name,
        count(*) as retained_users
    from member_brackets
    group by
        cohort_event,
        cohort_grain,
        cohort_start_date,
        segment_dimension,
        segment_value,
        activity_type,
        bracket_name

),

cells as (

    select
        cohorts.cohort_event,
        activity_types.activity_type,
        cohorts.cohort_grain,
        cohorts.cohort_start_date,
        cohorts.cohort_end_date,
        cohorts.segment_dimension,
        cohorts.segment_value,
        brackets.bracket_name,
        brackets.bracket_start_day,
        brackets.bracket_end_day,
        cohorts.cohort_size
    from cohorts
    cross join activity_types
    cross join brackets

),

final as (

    select
        cells.cohort_event,
        cells.activity_type,
        cells.cohort_grain,
        cells.cohort_start_date,
        cells.cohort_end_date,
        cells.segment_dimension,
        cells.segment_value,
        cells.bracket_name,
        cast(cells.bracket_start_day as integer) as bracket_start_day,
        cast(cells.bracket_end_day as integer) as bracket_end_day,
        cast(cells.cohort_size as bigint) as cohort_size,
        cast(coalesce(retained_in_bracket.retained_users, 0) as bigint) as retained_users,
        -- complete once the cohort's last member has lived through the bracket
        cast({{ dbt.dateadd('day', 'cells.bracket_end_day', 'cells.cohort_end_date') }} as date)
        <= {{ last_data_date() }} as is_complete,
        case
            when
                cast({{ dbt.dateadd('day', 'cells.bracket_end_day', 'cells.cohort_end_date') }} as date)
                <= {{ last_data_date() }}
                then cast(coalesce(retained_in_bracket.retained_users, 0) as double) / cells.cohort_size
        end as retention_rate
    from cells
    left join retained_in_bracket
        on
            cells.cohort_event = retained_in_bracket.cohort_event
            and cells.activity_type = retained_in_bracket.activity_type
            and cells.cohort_grain = retained_in_bracket.cohort_grain
            and cells.cohort_start_date = retained_in_bracket.cohort_start_date
            and cells.segment_dimension = retained_in_bracket.segment_dimension
            and cells.segment_value = retained_in_bracket.segment_value
            and cells.bracket_name = retained_in_bracket.bracket_name

)

select * from final
