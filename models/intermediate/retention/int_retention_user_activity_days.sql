{#-
    One row per user, cohort event, activity type and Asia/Shanghai day on
    which the user was active on or after the cohort day, with the day's
    position relative to the cohort: day number (days since the user's own
    cohort day), and week / month number (calendar weeks / months since the
    cohort's ISO week / month).
-#}
{{ config(materialized='table') }}
with

cohort_users as (

    select
        user_id,
        cohort_event,
        cohort_date,
        cohort_week_start_date,
        cohort_month_start_date
    from {{ ref('int_retention_cohort_users') }}

),

activity_daily as (

    select
        user_id,
        activity_date,
        paid_orders
    from {{ ref('int_user_activity_daily') }}

),

typed_activity as (

    -- any_event: any recorded activity (event, order placed, order paid)
    select
        user_id,
        activity_date,
        'any_event' as activity_type
    from activity_daily

    union all

    -- paid_order: a day on which at least one of the user's orders was paid
    select
        user_id,
        activity_date,
        'paid_order' as activity_type
    from activity_daily
    where paid_orders > 0

),

cohort_activity as (

    select
        cohort_users.user_id,
        cohort_users.cohort_event,
        typed_activity.activity_type,
        typed_activity.activity_date,
        cohort_users.cohort_date,
        cohort_users.cohort_week_start_date,
        cohort_users.cohort_month_start_date,
        cast({{ dbt.date_trunc('week', 'typed_activity.activity_date') }} as date) as activity_week_start_date,
        cast({{ dbt.date_trunc('month', 'typed_activity.activity_date') }} as date) as activity_month_start_date
    from cohort_users
    inner join typed_activity
        on
            cohort_users.user_id = typed_activity.user_id
            and cohort_users.cohort_date <= typed_activity.activity_date

),

final as (

    select
        user_id,
        cohort_event,
        activity_type,
        activity_date,
        cohort_date,
        cast({{ dbt.datediff('cohort_date', 'activity_date', 'day') }} as integer) as day_number,
        cast(
            {{ dbt.datediff('cohort_week_start_date', 'activity_week_start_date', 'day') }} / 7
            as integer
        ) as week_number,
        cast(
            {{ dbt.datediff('cohort_month_start_date', 'activity_month_start_date', 'month') }}
            as integer
        ) as month_number
    from cohort_activity

)

select * from final
