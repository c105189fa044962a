-- One definition of AOV (客单价 = paid GMV / paid orders): the A/B readout's
-- aov_cny (fct_experiment_results, ab_test rows; the mean over the group's paid
-- orders, unrounded since it feeds a t-test) equals the group's paid GMV over its
-- paid orders in the outcome window as int_experiment_user_outcomes counts them
-- (window_paid_gmv_cny / window_paid_orders, from int_user_activity_daily, not from
-- the per-order observations the readout tests), and sample_size equals those paid
-- orders. Returns the groups that disagree (beyond 1e-6 yuan of float rounding).
with

results as (

    select
        experiment_id,
        group_name,
        sample_size,
        metric_value
    from {{ ref('fct_experiment_results') }}
    where readout_type = 'ab_test' and metric_name = 'aov_cny'

),

outcomes as (

    select
        experiment_id,
        group_name,
        sum(window_paid_orders) as paid_orders,
        sum(window_paid_gmv_cny) as paid_gmv_cny
    from {{ ref('int_experiment_user_outcomes') }}
    group by experiment_id, group_name

)

select
    coalesce(results.experiment_id, outcomes.experiment_id) as experiment_id,
    coalesce(results.group_name, outcomes.group_name) as group_name,
    results.sample_size,
    outcomes.paid_orders,
    results.metric_value,
    outcomes.paid_gmv_cny / nullif(outcomes.paid_orders, 0) as outcomes_aov_cny
from results
full outer join outcomes
    on
        results.experiment_id = outcomes.experiment_id
        and results.group_name = outcomes.group_name
where
    (results.experiment_id is null and outcomes.paid_orders > 0)
    or (outcomes.experiment_id is null and results.sample_size > 0)
    or results.sample_size != outcomes.paid_orders
    or abs(results.metric_value - outcomes.paid_gmv_cny / nullif(outcomes.paid_orders, 0)) > 0.000001
    or ((results.metric_value is null) != (outcomes.paid_orders = 0))
