{#-
    The retention triangle: one row per cohort definition (cohort event and
    activity type), cohort (grain, start date, segment) and period number.
    Definitions are in _retention__models.yml.
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
        day_number,
        week_number,
        month_number
    from {{ ref('int_retention_user_activity_days') }}

),

periods as (

    select
        cohort_grain,
        period_number
    from {{ ref('int_retention_periods') }}

),

activity_types as (

    select 'any_event' as activity_type
    union all
    select 'paid_order' as activity_type

),

max_periods as (

    select
        cohort_grain,
        max(period_number) as max_period_number
    from periods
    group by cohort_grain

),

-- One row per user, cohort event, activity type, grain and period number
-- in which the user was active at least once.
user_periods as (

    select distinct
        user_id,
        cohort_event,
        activity_type,
        'day' as cohort_grain,
        day_number as period_number
    from user_activity

    union all

    select distinct
        user_id,
        cohort_event,
        activity_type,
        'week' as cohort_grain,
        week_number as period_number
    from user_activity

    union all

    select distinct
        user_id,
        cohort_event,
        activity_type,
        'month' as cohort_grain,
        month_number as period_number
    from user_activity

),

-- The last period in which each user was active (uncapped), for "on or
-- after" counts.
user_last_periods as (

    select
        user_id,
        cohort_event,
        activity_type,
        cohort_grain,
        max(period_number) as last_period_number
    from user_periods
    group by
        user_id,
        cohort_event,
        activity_type,
        cohort_grain

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

retained_in_period as (

    select
        members.cohort_event,
        members.cohort_grain,
        members.cohort_start_date,
        members.segment_dimension,
        members.segment_value,
        user_periods.activity_type,
        user_periods.period_number,
        count(*) as retained_users
    from members
    inner join user_periods
        on
            members.user_id = user_periods.user_id
            and members.cohort_event = user_periods.cohort_event
            and members.cohort_grain = user_periods.cohort_grain
    inner join max_periods
        on
            user_periods.cohort_grain = max_periods.cohort_grain
            and user_periods.period_number <= max_periods.max_period_number
    group by
        members.cohort_event,
        members.cohort_grain,
        members.cohort_start_date,
        members.segment_dimension,
        members.segment_value,
        user_periods.activity_type,
        user_periods.period_number

),

-- Members by the last period they were active in, capped at the grain's
-- last period: a user last active after it is retained "on or after" in
-- every period of the spine.
member_last_periods as (

    select
        members.cohort_event,
        members.cohort_grain,
        members.cohort_start_date,
        members.segment_dimension,
        members.segment_value,
        user_last_periods.activity_type,
        case
            when user_last_periods.last_period_number > max_periods.max_period_number
                then max_periods.max_period_number
            else user_last_periods.last_period_number
        end as period_number
    from members
    inner join user_last_periods
        on
            members.user_id = user_last_periods.user_id
            and members.cohort_event = user_last_periods.cohort_event
            and members.cohort_grain = user_last_periods.cohort_grain
    inner join max_periods
        on members.cohort_grain = max_periods.cohort_grain

),

last_active_in_period as (

    select
        cohort_event,
        cohort_grain,
        cohort_start_date,
        segment_dimension,
        segment_value,
        activity_type,
        period_number,
        count(*) as users_last_active
    from member_last_periods
    group by
        cohort_event,
        cohort_grain,
        cohort_start_date,
        segment_dimension,
        segment_value,
        activity_type,
        period_number

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
        periods.period_number,
        cohorts.cohort_size
    from cohorts
    cross join activity_types
    inner join periods
        on cohorts.cohort_grain = periods.cohort_grain

),

cell_counts as (

    select
        cells.cohort_event,
        cells.activity_type,
        cells.cohort_grain,
        cells.cohort_start_date,
        cells.cohort_end_date,
        cells.segment_dimension,
        cells.segment_value,
        cells.period_number,
        cells.cohort_size,
        coalesce(retained_in_period.retained_users, 0) as retained_users,
        coalesce(last_active_in_period.users_last_active, 0) as users_last_active
    from cells
    left join retained_in_period
        on
            cells.cohort_event = retained_in_period.cohort_event
            and cells.activity_type = retained_in_period.activity_type
            and cells.cohort_grain = retained_in_period.cohort_grain
            and cells.cohort_start_date = retained_in_period.cohort_start_date
            and cells.segment_dimension = retained_in_period.segment_dimension
            and cells.segment_value = retained_in_period.segment_value
            and cells.period_number = retained_in_period.period_number
    left join last_active_in_period
        on
            cells.cohort_event = last_active_in_period.cohort_event
            and cells.activity_type = last_active_in_period.activity_type
            and cells.cohort_grain = last_active_in_period.cohort_grain
            and cells.cohort_start_date = last_active_in_period.cohort_start_date
            and cells.segment_dimension = last_active_in_period.segment_dimension
            and cells.segment_value = last_active_in_period.segment_value
            and cells.period_number = last_active_in_period.period_number

),

with_unbounded as (

    select
        *,
        -- users whose last active period is this one or a later one
        sum(users_last_active) over (
            partition by
                cohort_event,
                activity_type,
                cohort_grain,
                cohort_start_date,
                segment_dimension,
                segment_value
            order by period_number desc
            rows between unbounded preceding and current row
        ) as retained_users_unbounded
    from cell_counts

),

with_period_dates as (

    select
        *,
        case cohort_grain
            when 'day' then cast({{ dbt.dateadd('day', 'period_number', 'cohort_start_date') }} as date)
            when 'week' then cast({{ dbt.dateadd('day', '7 * period_number', 'cohort_start_date') }} as date)
            else cast({{ dbt.dateadd('month', 'period_number', 'cohort_start_date') }} as date)
        end as period_start_date,
        case cohort_grain
            when 'day' then cast({{ dbt.dateadd('day', 'period_number', 'cohort_start_date') }} as date)
            when 'week' then cast({{ dbt.dateadd('day', '7 * period_number + 6', 'cohort_start_date') }} as date)
            else cast(
                    {{ dbt.dateadd('day', -1, dbt.dateadd('month', 'period_number + 1', 'cohort_start_date')) }}
                    as date
                )
        end as period_end_date
    from with_unbounded

),

final as (

    select
        cohort_event,
        activity_type,
        cohort_grain,
        cohort_start_date,
        cohort_end_date,
        segment_dimension,
        segment_value,
        period_number,
        period_start_date,
        period_end_date,
        cast(cohort_size as bigint) as cohort_size,
        cast(retained_users as bigint) as retained_users,
        cast(retained_users_unbounded as bigint) as retained_users_unbounded,
        period_end_date <= {{ last_data_date() }} as is_complete,
        case
            when period_end_date <= {{ last_data_date() }}
                then cast(retained_users as double) / cohort_size
        end as retention_rate,
        case
            when period_end_date <= {{ last_data_date() }}
                then cast(retained_users_unbounded as double) / cohort_size
        end as retention_rate_unbounded
    from with_period_dates

)

select * from final
