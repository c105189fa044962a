{#-
    Cohort membership: one row per cohort (cohort event, grain, start date,
    segment dimension and value) and member user. Weekly and monthly cohorts
    get every segment dimension; daily cohorts only the dimensions listed in
    the var retention_daily_segment_dimensions (default: all), which keeps
    the retention mart small (a daily cohort of one campaign or one age band
    holds a handful of users).
-#}
{{ config(materialized='table') }}
{%- set daily_dimensions = var('retention_daily_segment_dimensions') -%}

with

cohort_users as (

    select
        user_id,
        cohort_event,
        cohort_date,
        cohort_week_start_date,
        cohort_month_start_date,
        acquisition_channel,
        first_campaign,
        device,
        age_band,
        member_tier
    from {{ ref('int_retention_cohort_users') }}

),

experiment_assignments as (

    -- one group per user and experiment (the first assignment)
    select
        user_id,
        experiment_id,
        group_name
    from {{ ref('int_experiment_user_outcomes') }}

),

experiment_segments as (

    select
        cohort_users.user_id,
        cohort_users.cohort_event,
        coalesce(
            experiment_assignments.experiment_id || ':' || experiment_assignments.group_name,
            'not_assigned'
        ) as segment_value
    from cohort_users
    left join experiment_assignments
        on cohort_users.user_id = experiment_assignments.user_id

),

user_segments as (

    select
        user_id,
        cohort_event,
        'all' as segment_dimension,
        'all' as segment_value
    from cohort_users

    union all

    select
        user_id,
        cohort_event,
        'acquisition_channel' as segment_dimension,
        coalesce(acquisition_channel, 'unknown') as segment_value
    from cohort_users

    union all

    select
        user_id,
        cohort_event,
        'first_campaign' as segment_dimension,
        first_campaign as segment_value
    from cohort_users

    union all

    select
        user_id,
        cohort_event,
        'device' as segment_dimension,
        coalesce(device, 'unknown') as segment_value
    from cohort_users

    union all

    select
        user_id,
        cohort_event,
        'age_band' as segment_dimension,
        coalesce(age_band, 'unknown') as segment_value
    from cohort_users

    union all

    select
        user_id,
        cohort_event,
        'member_tier' as segment_dimension,
        member_tier as segment_value
    from cohort_users

    union all

    select
        user_id,
        cohort_event,
        'experiment_group' as segment_dimension,
        segment_value
    from experiment_segments

),

segmented_users as (

    select
        user_segments.user_id,
        user_segments.cohort_event,
        user_segments.segment_dimension,
        user_segments.segment_value,
        cohort_users.cohort_date,
        cohort_users.cohort_week_start_date,
        cohort_users.cohort_month_start_date
    from user_segments
    inner join cohort_users
        on
            user_segments.user_id = cohort_users.user_id
            and user_segments.cohort_event = cohort_users.cohort_event

),

cohort_memberships as (

    select
        cohort_event,
        'day' as cohort_grain,
        cohort_date as cohort_start_date,
        segment_dimension,
        segment_value,
        user_id,
        cohort_date
    from segmented_users
    where segment_dimension in (
            {%- for dimension in daily_dimensions %}
                '{{ dimension }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )

    union all

    select
        cohort_event,
        'week' as cohort_grain,
        cohort_week_start_date as cohort_start_date,
        segment_dimension,
        segment_value,
        user_id,
        cohort_date
    from segmented_users

    union all

    select
        cohort_event,
        'month' as cohort_grain,
        cohort_month_start_date as cohort_start_date,
        segment_dimension,
        segment_value,
        user_id,
        cohort_date
    from segmented_users

),

final as (

    select
        cohort_event,
        cohort_grain,
        cohort_start_date,
        case cohort_grain
            when 'day' then cohort_start_date
            when 'week' then cast({{ dbt.dateadd('day', 6, 'cohort_start_date') }} as date)
            else cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'cohort_start_date')) }} as date)
        end as cohort_end_date,
        segment_dimension,
        segment_value,
        user_id,
        cohort_date
    from cohort_memberships

)

select * from final
