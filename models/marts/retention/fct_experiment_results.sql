{#-
    A/B readout: one row per experiment, readout type (ab_test, aa_check),
    group and metric, with the difference against the control group, a 95%
    confidence interval and a two-sided p-value, and the p-values adjusted
    for reading the metrics of a group together (Holm, Benjamini-Hochberg).
    Statistics are portable SQL (macros/statistics.sql). Definitions are in
    _retention__models.yml.
-#}
{%- set window_days = var('experiment_window_days') -%}
{%- set z_975 = 1.959963984540054 -%}

with

observations as (

    select
        readout_type,
        experiment_id,
        group_name,
        control_group_name,
        metric_name,
        user_id,
        observation_value
    from {{ ref('int_experiment_observations') }}

),

outcomes as (

    select
        experiment_id,
        assigned_date
    from {{ ref('int_experiment_user_outcomes') }}

),

metrics as (

    select
        'd1_retention' as metric_name,
        'two_proportion_z_test' as test_name,
        1 as horizon_days
    union all
    select
        'd7_retention' as metric_name,
        'two_proportion_z_test' as test_name,
        7 as horizon_days
    union all
    select
        'd30_retention' as metric_name,
        'two_proportion_z_test' as test_name,
        30 as horizon_days
    union all
    select
        'first_paid_order_conversion' as metric_name,
        'two_proportion_z_test' as test_name,
        {{ window_days - 1 }} as horizon_days
    union all
    select
        'aov_cny' as metric_name,
        'welch_t_test' as test_name,
        {{ window_days - 1 }} as horizon_days
    union all
    select
        'gmv_per_user_cny' as metric_name,
        'welch_t_test' as test_name,
        {{ window_days - 1 }} as horizon_days

),

experiment_dates as (

    select
        experiment_id,
        min(assigned_date) as first_assigned_date,
        max(assigned_date) as last_assigned_date
    from outcomes
    group by experiment_id

),

group_users as (

    -- every assigned user has exactly one d1_retention observation
    select
        readout_type,
        experiment_id,
        group_name,
        count(*) as users
    from observations
    where metric_name = 'd1_retention'
    group by
        readout_type,
        experiment_id,
        group_name

),

group_stats as (

    select
        readout_type,
        experiment_id,
        group_name,
        control_group_name,
        metric_name,
        count(*) as sample_size,
        sum(observation_value) as value_sum,
        avg(observation_value) as metric_value,
        var_samp(observation_value) as metric_variance
    from observations
    group by
        readout_type,
        experiment_id,
        group_name,
        control_group_name,
        metric_name

),

against_control as (

    select
        group_stats.readout_type,
        group_stats.experiment_id,
        group_stats.group_name,
        group_stats.control_group_name,
        group_stats.group_name = group_stats.control_group_name as is_control,
        group_stats.metric_name,
        metrics.test_name,
        metrics.horizon_days,
        group_users.users,
        group_stats.sample_size,
        group_stats.value_sum,
        group_stats.metric_value,
        group_stats.metric_variance,
        control_stats.sample_size as control_sample_size,
        control_stats.value_sum as control_value_sum,
        control_stats.metric_value as control_metric_value,
        control_stats.metric_variance as control_metric_variance
    from group_stats
    inner join metrics
        on group_stats.metric_name = metrics.metric_name
    inner join group_users
        on
            group_stats.readout_type = group_users.readout_type
            and group_stats.experiment_id = group_users.experiment_id
            and group_stats.group_name = group_users.group_name
    left join group_stats as control_stats
        on
            group_stats.readout_type = control_stats.readout_type
            and group_stats.experiment_id = control_stats.experiment_id
            and group_stats.metric_name = control_stats.metric_name
            and group_stats.control_group_name = control_stats.group_name

),

standard_errors as (

    select
        *,
        case when not is_control then metric_value - control_metric_value end as absolute_difference,
        -- two-proportion z-test: pooled rate under the null hypothesis
        (value_sum + control_value_sum) / (sample_size + control_sample_size) as pooled_rate,
        -- Welch: per-group variance of the mean
        metric_variance / sample_size as variance_of_mean,
        control_metric_variance / control_sample_size as control_variance_of_mean
    from against_control

),

test_inputs as (

    select
        *,
        case
            when is_control then null
            when test_name = 'two_proportion_z_test'
                then sqrt(pooled_rate * (1 - pooled_rate) * (1.0 / sample_size + 1.0 / control_sample_size))
            else sqrt(variance_of_mean + control_variance_of_mean)
        end as null_standard_error,
        case
            when is_control then null
            when test_name = 'two_proportion_z_test'
                then sqrt(
                        metric_value * (1 - metric_value) / sample_size
                        + control_metric_value * (1 - control_metric_value) / control_sample_size
                    )
            else sqrt(variance_of_mean + control_variance_of_mean)
        end as interval_standard_error,
        -- Welch-Satterthwaite degrees of freedom
        case
            when not is_control and test_name = 'welch_t_test' and sample_size > 1 and control_sample_size > 1
                then (variance_of_mean + control_variance_of_mean) * (variance_of_mean + control_variance_of_mean)
                    / (
                        variance_of_mean * variance_of_mean / (sample_size - 1)
                        + control_variance_of_mean * control_variance_of_mean / (control_sample_size - 1)
                    )
        end as degrees_of_freedom
    from standard_errors

),

test_statistics as (

    select
        *,
        case
            when null_standard_error > 0 then absolute_difference / null_standard_error
        end as test_statistic,
        case
            when test_name = 'two_proportion_z_test' then {{ z_975 }}
            else {{ stats_t_quantile_975('degrees_of_freedom') }}
        end as critical_value
    from test_inputs

),

p_values as (

    select
        *,
        case
            when test_name = 'two_proportion_z_test' then abs(test_statistic)
            else {{ stats_t_to_normal_deviate('test_statistic', 'degrees_of_freedom') }}
        end as normal_deviate
    from test_statistics

),

readout_rows as (

    select
        p_values.experiment_id,
        p_values.readout_type,
        p_values.group_name,
        p_values.control_group_name,
        p_values.is_control,
        p_values.metric_name,
        p_values.test_name,
        experiment_dates.first_assigned_date,
        experiment_dates.last_assigned_date,
        cast(p_values.users as bigint) as users,
        cast(p_values.sample_size as bigint) as sample_size,
        cast(p_values.metric_value as double) as metric_value,
        cast(p_values.control_metric_value as double) as control_metric_value,
        cast(p_values.absolute_difference as double) as absolute_difference,
        cast(
            case
                when p_values.control_metric_value <> 0
                    then p_values.absolute_difference / p_values.control_metric_value
            end as double
        ) as relative_difference,
        cast(
            p_values.absolute_difference - p_values.critical_value * p_values.interval_standard_error as double
        ) as ci_lower,
        cast(
            p_values.absolute_difference + p_values.critical_value * p_values.interval_standard_error as double
        ) as ci_upper,
        cast(p_values.test_statistic as double) as test_statistic,
        cast(p_values.degrees_of_freedom as double) as degrees_of_freedom,
        cast({{ stats_normal_two_sided_p('p_values.normal_deviate') }} as double) as p_value,
        coalesce({{ stats_normal_two_sided_p('p_values.normal_deviate') }} < 0.05, false) as is_significant,
        cast(
            {{ dbt.dateadd('day', 'p_values.horizon_days', 'experiment_dates.last_assigned_date') }} as date
        ) <= {{ last_data_date() }} as is_complete
    from p_values
    inner join experiment_dates
        on p_values.experiment_id = experiment_dates.experiment_id

),

ranked_p_values as (

    -- the family: the metrics of one experiment, readout and group that
    -- have a p-value, ranked by p-value (ties by metric name)
    select
        *,
        row_number() over (
            partition by experiment_id, readout_type, group_name, p_value is null
            order by p_value, metric_name
        ) as p_value_rank,
        count(p_value) over (partition by experiment_id, readout_type, group_name) as family_size
    from readout_rows

),

step_values as (

    select
        *,
        case when p_value is not null then (family_size - p_value_rank + 1) * p_value end as holm_step_value,
        case when p_value is not null then family_size * p_value / p_value_rank end as bh_step_value
    from ranked_p_values

),

adjusted as (

    select
        *,
        -- Holm: running maximum of (m - rank + 1) p from the smallest p-value up
        max(holm_step_value) over (
            partition by experiment_id, readout_type, group_name, p_value is null
            order by p_value_rank
            rows between unbounded preceding and current row
        ) as holm_running_max,
        -- Benjamini-Hochberg: running minimum of m p / rank from the largest p-value down
        min(bh_step_value) over (
            partition by experiment_id, readout_type, group_name, p_value is null
            order by p_value_rank
            rows between current row and unbounded following
        ) as bh_running_min
    from step_values

),

final as (

    select
        experiment_id,
        readout_type,
        group_name,
        control_group_name,
        is_control,
        metric_name,
        test_name,
        first_assigned_date,
        last_assigned_date,
        users,
        sample_size,
        metric_value,
        control_metric_value,
        absolute_difference,
        relative_difference,
        ci_lower,
        ci_upper,
        test_statistic,
        degrees_of_freedom,
        p_value,
        is_significant,
        is_complete,
        cast(case when p_value is not null then family_size end as integer) as tested_metrics,
        cast(case when p_value is not null then least(1.0, holm_running_max) end as double) as p_value_holm,
        coalesce(p_value is not null and least(1.0, holm_running_max) < 0.05, false) as is_significant_holm,
        cast(case when p_value is not null then least(1.0, bh_running_min) end as double) as p_value_bh,
        coalesce(p_value is not null and least(1.0, bh_running_min) < 0.05, false) as is_significant_bh
    from adjusted

)

select * from final
