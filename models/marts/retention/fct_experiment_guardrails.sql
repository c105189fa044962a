{#-
    Guardrail metrics of the A/B readout: one row per experiment, readout
    type, group and guardrail, a metric the treatment must not make worse.
    The one the data has: the return rate of the group's orders paid in the
    outcome window (fct_orders.is_returned), by the two-proportion z-test
    over orders. Definitions are in _retention__models.yml.
-#}
{%- set z_975 = 1.959963984540054 -%}

with

window_orders as (

    -- the AOV observations are the orders paid in the window, one per row
    select
        readout_type,
        experiment_id,
        group_name,
        control_group_name,
        observation_id as order_id
    from {{ ref('int_experiment_observations') }}
    where metric_name = 'aov_cny'

),

orders as (

    select
        order_id,
        is_returned
    from {{ ref('fct_orders') }}

),

observations as (

    select
        window_orders.readout_type,
        window_orders.experiment_id,
        window_orders.group_name,
        window_orders.control_group_name,
        'order_return_rate' as guardrail_name,
        -- a double: Spark reads 1.0 as decimal(2, 1), whose avg keeps 5 decimals
        cast(case when orders.is_returned then 1.0 else 0.0 end as double) as observation_value
    from window_orders
    inner join orders
        on window_orders.order_id = orders.order_id

),

group_stats as (

    select
        readout_type,
        experiment_id,
        group_name,
        control_group_name,
        guardrail_name,
        count(*) as sample_size,
        sum(observation_value) as value_sum,
        avg(observation_value) as metric_value
    from observations
    group by
        readout_type,
        experiment_id,
        group_name,
        control_group_name,
        guardrail_name

),

against_control as (

    select
        group_stats.*,
        group_stats.group_name = group_stats.control_group_name as is_control,
        control_stats.sample_size as control_sample_size,
        control_stats.value_sum as control_value_sum,
        control_stats.metric_value as control_metric_value
    from group_stats
    left join group_stats as control_stats
        on
            group_stats.readout_type = control_stats.readout_type
            and group_stats.experiment_id = control_stats.experiment_id
            and group_stats.guardrail_name = control_stats.guardrail_name
            and group_stats.control_group_name = control_stats.group_name

),

standard_errors as (

    select
        *,
        case when not is_control then metric_value - control_metric_value end as absolute_difference,
        case
            when not is_control
                then (value_sum + control_value_sum) / (sample_size + control_sample_size)
        end as pooled_rate,
        case
            when not is_control
                then sqrt(
                        metric_value * (1 - metric_value) / sample_size
                        + control_metric_value * (1 - control_metric_value) / control_sample_size
                    )
        end as interval_standard_error
    from against_control

),

test_statistics as (

    select
        *,
        case
            when pooled_rate > 0 and pooled_rate < 1
                then absolute_difference
                    / sqrt(pooled_rate * (1 - pooled_rate) * (1.0 / sample_size + 1.0 / control_sample_size))
        end as test_statistic
    from standard_errors

),

final as (

    select
        experiment_id,
        readout_type,
        group_name,
        control_group_name,
        is_control,
        guardrail_name,
        cast(sample_size as bigint) as sample_size,
        cast(metric_value as double) as metric_value,
        cast(control_metric_value as double) as control_metric_value,
        cast(absolute_difference as double) as absolute_difference,
        cast(absolute_difference - {{ z_975 }} * interval_standard_error as double) as ci_lower,
        cast(absolute_difference + {{ z_975 }} * interval_standard_error as double) as ci_upper,
        cast(test_statistic as double) as test_statistic,
        cast({{ stats_normal_two_sided_p('test_statistic') }} as double) as p_value,
        -- worse (a higher return rate) and significant
        coalesce(
            absolute_difference > 0 and {{ stats_normal_two_sided_p('test_statistic') }} < 0.05, false
        ) as is_guardrail_breached
    from test_statistics

)

select * from final
