{#-
    One row per experiment and assigned user: the group, the assignment day
    (day 0, Asia/Shanghai) and the user's outcomes counted from it: active
    on day 1, 7 and 30 (any recorded activity, as in the retention marts),
    first paid order within the window, and paid orders and GMV within the
    window (days 0 to experiment_window_days - 1). A user assigned more than
    once to the same experiment keeps the first assignment.
-#}
{{ config(materialized='table') }}
{%- set window_days = var('experiment_window_days') -%}

with

assignments as (

    select
        assignment_id,
        experiment_id,
        user_id,
        group_name,
        assigned_at
    from {{ ref('stg_growth__experiments') }}

),

users as (

    select
        user_id,
        first_paid_order_at
    from {{ ref('dim_users') }}

),

activity_daily as (

    select
        user_id,
        activity_date,
        paid_orders,
        paid_gmv_cny
    from {{ ref('int_user_activity_daily') }}

),

ranked_assignments as (

    select
        experiment_id,
        user_id,
        group_name,
        {{ to_shanghai_date('assigned_at') }} as assigned_date,
        row_number() over (
            partition by experiment_id, user_id
            order by assigned_at, assignment_id
        ) as assignment_rank
    from assignments

),

first_assignments as (

    select
        experiment_id,
        user_id,
        group_name,
        -- the control group: var experiment_control_groups, by experiment
        {{ experiment_control_group('experiment_id') }} as control_group_name,
        assigned_date,
        cast({{ dbt.dateadd('day', window_days - 1, 'assigned_date') }} as date) as window_end_date
    from ranked_assignments
    where assignment_rank = 1

),

assignment_days as (

    -- one row per assignment and active day on or after day 0
    select
        first_assignments.experiment_id,
        first_assignments.user_id,
        activity_daily.paid_orders,
        activity_daily.paid_gmv_cny,
        cast(
            {{ dbt.datediff('first_assignments.assigned_date', 'activity_daily.activity_date', 'day') }}
            as integer
        ) as day_number
    from first_assignments
    inner join activity_daily
        on
            first_assignments.user_id = activity_daily.user_id
            and first_assignments.assigned_date <= activity_daily.activity_date

),

assignment_activity as (

    select
        experiment_id,
        user_id,
        max(case when day_number = 1 then 1 else 0 end) as d1_flag,
        max(case when day_number = 7 then 1 else 0 end) as d7_flag,
        max(case when day_number = 30 then 1 else 0 end) as d30_flag,
        sum(case when day_number < {{ window_days }} then paid_orders else 0 end) as window_paid_orders,
        sum(case when day_number < {{ window_days }} then paid_gmv_cny else 0 end) as window_paid_gmv_cny
    from assignment_days
    group by
        experiment_id,
        user_id

),

final as (

    select
        first_assignments.experiment_id,
        first_assignments.user_id,
        first_assignments.group_name,
        first_assignments.control_group_name,
        first_assignments.group_name = first_assignments.control_group_name as is_control,
        first_assignments.assigned_date,
        first_assignments.window_end_date,
        coalesce(assignment_activity.d1_flag, 0) = 1 as is_d1_retained,
        coalesce(assignment_activity.d7_flag, 0) = 1 as is_d7_retained,
        coalesce(assignment_activity.d30_flag, 0) = 1 as is_d30_retained,
        coalesce({{ to_shanghai_date('users.first_paid_order_at') }} < first_assignments.assigned_date, false)
            as is_prior_buyer,
        coalesce(
            {{ to_shanghai_date('users.first_paid_order_at') }}
            between first_assignments.assigned_date and first_assignments.window_end_date,
            false
        ) as has_first_paid_order_in_window,
        cast(coalesce(assignment_activity.window_paid_orders, 0) as integer) as window_paid_orders,
        cast(coalesce(assignment_activity.window_paid_gmv_cny, 0) as decimal(18, 2)) as window_paid_gmv_cny
    from first_assignments
    left join users
        on first_assignments.user_id = users.user_id
    left join assignment_activity
        on
            first_assignments.experiment_id = assignment_activity.experiment_id
            and first_assignments.user_id = assignment_activity.user_id

)

select * from final
