{#-
    One row per experiment and assigned user (as int_experiment_user_outcomes):
    the user's behaviour on the experiment_cuped_lookback_days days before
    day 0 (days -N to -1, Asia/Shanghai), the pre-assignment covariates of
    CUPED (fct_experiment_cuped): active days, paid orders and paid GMV.
    Users with no activity then have zeros.
-#}
{{ config(materialized='table') }}
{%- set lookback_days = var('experiment_cuped_lookback_days') -%}

with

outcomes as (

    select
        experiment_id,
        user_id,
        assigned_date
    from {{ ref('int_experiment_user_outcomes') }}

),

activity_daily as (

    select
        user_id,
        activity_date,
        paid_orders,
        paid_gmv_cny
    from {{ ref('int_user_activity_daily') }}

),

pre_period as (

    select
        outcomes.experiment_id,
        outcomes.user_id,
        count(*) as pre_active_days,
        sum(activity_daily.paid_orders) as pre_paid_orders,
        sum(activity_daily.paid_gmv_cny) as pre_paid_gmv_cny
    from outcomes
    inner join activity_daily
        on
            outcomes.user_id = activity_daily.user_id
            and outcomes.assigned_date > activity_daily.activity_date
            and cast({{ dbt.dateadd('day', -lookback_days, 'outcomes.assigned_date') }} as date)
            <= activity_daily.activity_date
    group by
        outcomes.experiment_id,
        outcomes.user_id

),

final as (

    select
        outcomes.experiment_id,
        outcomes.user_id,
        cast({{ dbt.dateadd('day', -lookback_days, 'outcomes.assigned_date') }} as date) as lookback_start_date,
        cast(coalesce(pre_period.pre_active_days, 0) as integer) as pre_active_days,
        cast(coalesce(pre_period.pre_paid_orders, 0) as integer) as pre_paid_orders,
        cast(coalesce(pre_period.pre_paid_gmv_cny, 0) as decimal(18, 2)) as pre_paid_gmv_cny
    from outcomes
    left join pre_period
        on
            outcomes.experiment_id = pre_period.experiment_id
            and outcomes.user_id = pre_period.user_id

)

select * from final
