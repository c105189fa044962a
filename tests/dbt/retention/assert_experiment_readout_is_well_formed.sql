-- Invariants of the A/B readout: exactly one control row per experiment,
-- readout and metric, with no difference, interval or p-value; every other
-- row's interval contains its difference.
with

results as (

    select * from {{ ref('fct_experiment_results') }}

),

control_counts as (

    select
        experiment_id,
        readout_type,
        metric_name,
        sum(case when is_control then 1 else 0 end) as control_rows
    from results
    group by
        experiment_id,
        readout_type,
        metric_name

)

select
    'control rows <> 1' as problem,
    experiment_id,
    readout_type,
    metric_name,
    cast(null as {{ dbt.type_string() }}) as group_name
from control_counts
where control_rows <> 1

union all

select
    'control row carries a comparison' as problem,
    experiment_id,
    readout_type,
    metric_name,
    group_name
from results
where is_control and (absolute_difference is not null or p_value is not null or ci_lower is not null)

union all

select
    'interval does not contain the difference' as problem,
    experiment_id,
    readout_type,
    metric_name,
    group_name
from results
where
    not is_control
    and ci_lower is not null
    and (ci_lower > absolute_difference or ci_upper < absolute_difference)
