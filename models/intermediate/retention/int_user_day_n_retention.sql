{#-
    Day-N retention (第N日留存) per user, defined once: one row per user,
    cohort event and activity type with the user's day 0 (the cohort day)
    and, for N in 1, 7 and 30, whether day N is observable (day 0 + N on or
    before the data's last day, last_data_date()) and whether the user was
    active on exactly day N. fct_cohort_retention_summary and
    fct_campaign_performance count these flags. Definitions are in
    _int_retention__models.yml.
-#}
{{ config(materialized='table') }}
with

cohort_users as (

    select
        user_id,
        cohort_event,
        cohort_date
    from {{ ref('int_retention_cohort_users') }}

),

activity_types as (

    select 'any_event' as activity_type
    union all
    select 'paid_order' as activity_type

),

day_n_activity as (

    select
        user_id,
        cohort_event,
        activity_type,
        max(case when day_number = 1 then 1 else 0 end) as d1_flag,
        max(case when day_number = 7 then 1 else 0 end) as d7_flag,
        max(case when day_number = 30 then 1 else 0 end) as d30_flag
    from {{ ref('int_retention_user_activity_days') }}
    where day_number in (1, 7, 30)
    group by
        user_id,
        cohort_event,
        activity_type

),

flagged as (

    select
        cohort_users.user_id,
        cohort_users.cohort_event,
        activity_types.activity_type,
        cohort_users.cohort_date,
        cast({{ dbt.dateadd('day', 1, 'cohort_users.cohort_date') }} as date)
        <= {{ last_data_date() }} as is_d1_observable,
        cast({{ dbt.dateadd('day', 7, 'cohort_users.cohort_date') }} as date)
        <= {{ last_data_date() }} as is_d7_observable,
        cast({{ dbt.dateadd('day', 30, 'cohort_users.cohort_date') }} as date)
        <= {{ last_data_date() }} as is_d30_observable,
        coalesce(day_n_activity.d1_flag, 0) = 1 as is_d1_active,
        coalesce(day_n_activity.d7_flag, 0) = 1 as is_d7_active,
        coalesce(day_n_activity.d30_flag, 0) = 1 as is_d30_active
    from cohort_users
    cross join activity_types
    left join day_n_activity
        on
            cohort_users.user_id = day_n_activity.user_id
            and cohort_users.cohort_event = day_n_activity.cohort_event
            and activity_types.activity_type = day_n_activity.activity_type

),

final as (

    select
        user_id,
        cohort_event,
        activity_type,
        cohort_date,
        is_d1_observable,
        is_d1_active,
        is_d1_observable and is_d1_active as is_d1_retained,
        is_d7_observable,
        is_d7_active,
        is_d7_observable and is_d7_active as is_d7_retained,
        is_d30_observable,
        is_d30_active,
        is_d30_observable and is_d30_active as is_d30_retained
    from flagged

)

select * from final
