{#-
    The headline table: one row per cohort definition and cohort with the
    D1, D7 and D30 retention (次日/7日/30日留存率). Day numbers count from
    each member's own cohort day. Definitions are in _retention__models.yml.
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
    where day_number in (1, 7, 30)

),

activity_types as (

    select 'any_event' as activity_type
    union all
    select 'paid_order' as activity_type

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

retained_on_day as (

    select
        members.cohort_event,
        members.cohort_grain,
        members.cohort_start_date,
        members.segment_dimension,
        members.segment_value,
        user_activity.activity_type,
        sum(case when user_activity.day_number = 1 then 1 else 0 end) as d1_retained_users,
        sum(case when user_activity.day_number = 7 then 1 else 0 end) as d7_retained_users,
        sum(case when user_activity.day_number = 30 then 1 else 0 end) as d30_retained_users
    from members
    inner join user_activity
        on
            members.user_id = user_activity.user_id
            and members.cohort_event = user_activity.cohort_event
    group by
        members.cohort_event,
        members.cohort_grain,
        members.cohort_start_date,
        members.segment_dimension,
        members.segment_value,
        user_activity.activity_type

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
        cohorts.cohort_size,
        coalesce(retained_on_day.d1_retained_users, 0) as d1_retained_users,
        coalesce(retained_on_day.d7_retained_users, 0) as d7_retained_users,
        coalesce(retained_on_day.d30_retained_users, 0) as d30_retained_users,
        -- complete once the cohort's last member has reached day N
        cast({{ dbt.dateadd('day', 1, 'cohorts.cohort_end_date') }} as date)
        <= {{ last_data_date() }} as is_d1_complete,
        cast({{ dbt.dateadd('day', 7, 'cohorts.cohort_end_date') }} as date)
        <= {{ last_data_date() }} as is_d7_complete,
        cast({{ dbt.dateadd('day', 30, 'cohorts.cohort_end_date') }} as date)
        <= {{ last_data_date() }} as is_d30_complete
    from cohorts
    cross join activity_types
    left join retained_on_day
        on
            cohorts.cohort_event = retained_on_day.cohort_event
            and cohorts.cohort_grain = retained_on_day.cohort_grain
            and cohorts.cohort_start_date = retained_on_day.cohort_start_date
            and cohorts.segment_dimension = retained_on_day.segment_dimension
            and cohorts.segment_value = retained_on_day.segment_value
            and activity_types.activity_type = retained_on_day.activity_type

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
        cast(cohort_size as bigint) as cohort_size,
        cast(d1_retained_users as bigint) as d1_retained_users,
        cast(d7_retained_users as bigint) as d7_retained_users,
        cast(d30_retained_users as bigint) as d30_retained_users,
        case when is_d1_complete then cast(d1_retained_users as double) / cohort_size end as d1_retention_rate,
        case when is_d7_complete then cast(d7_retained_users as double) / cohort_size end as d7_retention_rate,
        case when is_d30_complete then cast(d30_retained_users as double) / cohort_size end as d30_retention_rate,
        is_d1_complete,
        is_d7_complete,
        is_d30_complete
    from cells

)

select * from final
