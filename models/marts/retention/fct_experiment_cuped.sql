{#-
    CUPED readout (variance reduction with pre-assignment behaviour): one row
    per experiment, readout type, group and per-user metric, beside the raw
    Welch estimate the CUPED-adjusted difference, standard error, 95%
    interval and p-value. Definitions are in _retention__models.yml.
-#}

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
    -- per-user metrics only: AOV is per order
    where metric_name <> 'aov_cny'

),

covariates as (

    select
        experiment_id,
        user_id,
        pre_active_days,
        pre_paid_gmv_cny
    from {{ ref('int_experiment_user_covariates') }}

),

paired as (

    -- the covariate of each metric: pre-period paid GMV for GMV per user,
    -- pre-period active days for the retention and conversion flags
    select
        observations.readout_type,
        observations.experiment_id,
        observations.group_name,
        observations.control_group_name,
        observations.metric_name,
        case
            when observations.metric_name = 'gmv_per_user_cny' then 'pre_paid_gmv_cny'
            else 'pre_active_days'
        end as covariate_name,
        observations.observation_value as metric_y,
        cast(
            case
                when observations.metric_name = 'gmv_per_user_cny' then covariates.pre_paid_gmv_cny
                else covariates.pre_active_days
            end as double
        ) as covariate_x
    from observations
    inner join covariates
        on
            observations.experiment_id = covariates.experiment_id
            and observations.user_id = covariates.user_id

),

pooled as (

    -- theta = cov(Y, X) / var(X) over both groups of the readout
    select
        readout_type,
        experiment_id,
        metric_name,
        avg(covariate_x) as pooled_covariate_mean,
        covar_samp(metric_y, covariate_x) as pooled_covariance,
        var_samp(covariate_x) as pooled_covariate_variance
    from paired
    group by
        readout_type,
        experiment_id,
        metric_name

),

adjusted as (

    select
        paired.*,
        pooled.pooled_covariate_mean,
        coalesce(
            case
                when pooled.pooled_covariate_variance > 0
                    then pooled.pooled_covariance / pooled.pooled_covariate_variance
            end,
            0.0
        ) as theta
    from paired
    inner join pooled
        on
            paired.readout_type = pooled.readout_type
            and paired.experiment_id = pooled.experiment_id
            and paired.metric_name = pooled.metric_name

),

adjusted_values as (

    select
        *,
        metric_y - theta * (covariate_x - pooled_covariate_mean) as adjusted_y
    from adjusted

),

group_stats as (

    select
        readout_type,
        experiment_id,
        group_name,
        control_group_name,
        metric_name,
        max(covariate_name) as covariate_name,
        max(theta) as theta,
        count(*) as sample_size,
        avg(metric_y) as metric_value,
        var_samp(metric_y) as metric_variance,
        avg(covariate_x) as covariate_mean,
        avg(adjusted_y) as cuped_metric_value,
        var_samp(adjusted_y) as cuped_variance
    from adjusted_values
    group by
        readout_type,
        experiment_id,
        group_name,
        control_group_name,
        metric_name

),

against_control as (

    select
        group_stats.*,
        group_stats.group_name = group_stats.control_group_name as is_control,
        control_stats.sample_size as control_sample_size,
        control_stats.metric_value as control_metric_value,
        control_stats.cuped_metric_value as control_cuped_metric_value,
        group_stats.metric_variance / group_stats.sample_size as raw_variance_of_mean,
        control_stats.metric_variance / control_stats.sample_size as control_raw_variance_of_mean,
        group_stats.cuped_variance / group_stats.sample_size as cuped_variance_of_mean,
        control_stats.cuped_variance / control_stats.sample_size as control_cuped_variance_of_mean
    from group_stats
    left join group_stats as control_stats
        on
            group_stats.readout_type = control_stats.readout_type
            and group_stats.experiment_id = control_stats.experiment_id
            and group_stats.metric_name = control_stats.metric_name
            and group_stats.control_group_name = control_stats.group_name

),

welch as (

    select
        *,
        case when not is_control then metric_value - control_metric_value end as raw_difference,
        case when not is_control then cuped_metric_value - control_cuped_metric_value end as cuped_difference,
        case
            when not is_control then sqrt(raw_variance_of_mean + control_raw_variance_of_mean)
        end as raw_standard_error,
        case
            when not is_control then sqrt(cuped_variance_of_mean + control_cuped_variance_of_mean)
        end as cuped_standard_error,
        -- Welch-Satterthwaite degrees of freedom, raw and adjusted
        case
            when not is_control and sample_size > 1 and control_sample_size > 1
                and raw_variance_of_mean + control_raw_variance_of_mean > 0
                then (raw_variance_of_mean + control_raw_variance_of_mean)
                    * (raw_variance_of_mean + control_raw_variance_of_mean)
                    / (
                        raw_variance_of_mean * raw_variance_of_mean / (sample_size - 1)
                        + control_raw_variance_of_mean * control_raw_variance_of_mean / (control_sample_size - 1)
                    )
        end as raw_degrees_of_freedom,
        case
            when not is_control and sample_size > 1 and control_sample_size > 1
                and cuped_variance_of_mean + control_cuped_variance_of_mean > 0
                then (cuped_variance_of_mean + control_cuped_variance_of_mean)
                    * (cuped_variance_of_mean + control_cuped_variance_of_mean)
                    / (
                        cuped_variance_of_mean * cuped_variance_of_mean / (sample_size - 1)
                        + control_cuped_variance_of_mean * control_cuped_variance_of_mean
                        / (control_sample_size - 1)
                    )
        end as cuped_degrees_of_freedom
    from against_control

),

intervals as (

    select
        *,
        {{ stats_t_quantile_975('raw_degrees_of_freedom') }} * raw_standard_error as raw_half_width,
        {{ stats_t_quantile_975('cuped_degrees_of_freedom') }} * cuped_standard_error as cuped_half_width,
        case when cuped_standard_error > 0 then cuped_difference / cuped_standard_error end as cuped_test_statistic
    from welch

),

deviates as (

    select
        *,
        {{ stats_t_to_normal_deviate('cuped_test_statistic', 'cuped_degrees_of_freedom') }} as cuped_normal_deviate
    from intervals

),

final as (

    select
        experiment_id,
        readout_type,
        group_name,
        control_group_name,
        is_control,
        metric_name,
        covariate_name,
        cast(sample_size as bigint) as sample_size,
        cast(theta as double) as theta,
        cast(covariate_mean as double) as covariate_mean,
        cast(metric_value as double) as metric_value,
        cast(cuped_metric_value as double) as cuped_metric_value,
        cast(raw_difference as double) as raw_difference,
        cast(raw_standard_error as double) as raw_standard_error,
        cast(raw_difference - raw_half_width as double) as raw_ci_lower,
        cast(raw_difference + raw_half_width as double) as raw_ci_upper,
        cast(cuped_difference as double) as cuped_difference,
        cast(cuped_standard_error as double) as cuped_standard_error,
        cast(cuped_difference - cuped_half_width as double) as cuped_ci_lower,
        cast(cuped_difference + cuped_half_width as double) as cuped_ci_upper,
        cast(cuped_test_statistic as double) as cuped_test_statistic,
        cast(cuped_degrees_of_freedom as double) as cuped_degrees_of_freedom,
        cast({{ stats_normal_two_sided_p('cuped_normal_deviate') }} as double) as cuped_p_value,
        coalesce({{ stats_normal_two_sided_p('cuped_normal_deviate') }} < 0.05, false) as is_cuped_significant,
        cast(
            case
                when raw_standard_error > 0
                    then 1.0 - (cuped_standard_error * cuped_standard_error) / (raw_standard_error * raw_standard_error)
            end as double
        ) as variance_reduction,
        cast(case when raw_half_width > 0 then cuped_half_width / raw_half_width - 1.0 end as double)
            as ci_width_change
    from deviates

)

select * from final
