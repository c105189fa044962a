{#-
    The observations the A/B readout tests, one row per readout, experiment,
    metric and observation unit (a user, or a paid order for AOV), in long
    form: value 1/0 for the rate metrics, CNY for the means.

    readout_type ab_test: the experiment's own groups.
    readout_type aa_check: the control group split in two by user id parity
    (<control>_even is the control, <control>_odd the other half). Both
    halves got the same treatment, so every difference is chance: the A/A
    check of the readout's false-positive rate.
-#}
{{ config(materialized='table') }}
with

outcomes as (

    select
        experiment_id,
        user_id,
        group_name,
        control_group_name,
        assigned_date,
        window_end_date,
        is_d1_retained,
        is_d7_retained,
        is_d30_retained,
        is_prior_buyer,
        has_first_paid_order_in_window,
        window_paid_gmv_cny
    from {{ ref('int_experiment_user_outcomes') }}

),

orders as (

    select
        order_id,
        user_id,
        paid_date,
        paid_gmv_cny
    from {{ ref('fct_orders') }}
    where is_paid

),

window_orders as (

    select
        outcomes.experiment_id,
        outcomes.group_name,
        outcomes.control_group_name,
        outcomes.user_id,
        orders.order_id,
        orders.paid_gmv_cny
    from outcomes
    inner join orders
        on
            outcomes.user_id = orders.user_id
            and orders.paid_date between outcomes.assigned_date and outcomes.window_end_date

),

ab_observations as (

    select
        experiment_id,
        group_name,
        control_group_name,
        'd1_retention' as metric_name,
        user_id,
        user_id as observation_id,
        case when is_d1_retained then 1.0 else 0.0 end as observation_value
    from outcomes

    union all

    select
        experiment_id,
        group_name,
        control_group_name,
        'd7_retention' as metric_name,
        user_id,
        user_id as observation_id,
        case when is_d7_retained then 1.0 else 0.0 end as observation_value
    from outcomes

    union all

    select
        experiment_id,
        group_name,
        control_group_name,
        'd30_retention' as metric_name,
        user_id,
        user_id as observation_id,
        case when is_d30_retained then 1.0 else 0.0 end as observation_value
    from outcomes

    union all

    select
        experiment_id,
        group_name,
        control_group_name,
        'first_paid_order_conversion' as metric_name,
        user_id,
        user_id as observation_id,
        case when has_first_paid_order_in_window then 1.0 else 0.0 end as observation_value
    from outcomes
    where not is_prior_buyer

    union all

    select
        experiment_id,
        group_name,
        control_group_name,
        'gmv_per_user_cny' as metric_name,
        user_id,
        user_id as observation_id,
        cast(window_paid_gmv_cny as double) as observation_value
    from outcomes

    union all

    select
        experiment_id,
        group_name,
        control_group_name,
        'aov_cny' as metric_name,
        user_id,
        order_id as observation_id,
        cast(paid_gmv_cny as double) as observation_value
    from window_orders

),

aa_observations as (

    select
        experiment_id,
        control_group_name
        || case when mod(user_id, 2) = 0 then '_even' else '_odd' end as group_name,
        control_group_name || '_even' as control_group_name,
        metric_name,
        user_id,
        observation_id,
        observation_value
    from ab_observations
    where group_name = control_group_name

),

final as (

    select
        'ab_test' as readout_type,
        experiment_id,
        group_name,
        control_group_name,
        metric_name,
        user_id,
        cast(observation_id as bigint) as observation_id,
        cast(observation_value as double) as observation_value
    from ab_observations

    union all

    select
        'aa_check' as readout_type,
        experiment_id,
        group_name,
        control_group_name,
        metric_name,
        user_id,
        cast(observation_id as bigint) as observation_id,
        cast(observation_value as double) as observation_value
    from aa_observations

)

select * from final
