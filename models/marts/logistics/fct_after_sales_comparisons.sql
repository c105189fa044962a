{#-
    After-sales comparisons (售后对比): one row per comparison and metric,
    treated group against control group, with the difference, a 95%
    confidence interval and a two-sided p-value (two-proportion z-test, the
    formulas of the A/B readout). Population: delivered paid orders whose
    30-day window after delivery lies within the data. Definitions are in
    _logistics__models.yml.
-#}
{%- set z_975 = 1.959963984540054 -%}

with

orders as (

    select
        is_returned,
        is_logistics_notice_received,
        is_repurchased_within_30d,
        coalesce(is_late_delivery, false) as is_delivered_late
    from {{ ref('int_logistics_orders') }}
    where
        is_delivered_paid
        and is_repurchase_window_complete_30d

),

comparisons as (

    select
        'returned_vs_not_returned' as comparison,
        'repurchase_30d_rate' as metric_name,
        'returned' as treated_group,
        'not_returned' as control_group,
        count(case when is_returned then 1 end) as treated_orders,
        count(case when is_returned and is_repurchased_within_30d then 1 end) as treated_successes,
        count(case when not is_returned then 1 end) as control_orders,
        count(case when not is_returned and is_repurchased_within_30d then 1 end) as control_successes
    from orders

    union all

    select
        'logistics_notice_vs_none' as comparison,
        'return_rate' as metric_name,
        'notice_received' as treated_group,
        'no_notice' as control_group,
        count(case when is_logistics_notice_received then 1 end) as treated_orders,
        count(case when is_logistics_notice_received and is_returned then 1 end) as treated_successes,
        count(case when not is_logistics_notice_received then 1 end) as control_orders,
        count(case when not is_logistics_notice_received and is_returned then 1 end) as control_successes
    from orders

    union all

    select
        'logistics_notice_vs_none' as comparison,
        'repurchase_30d_rate' as metric_name,
        'notice_received' as treated_group,
        'no_notice' as control_group,
        count(case when is_logistics_notice_received then 1 end) as treated_orders,
        count(case when is_logistics_notice_received and is_repurchased_within_30d then 1 end)
            as treated_successes,
        count(case when not is_logistics_notice_received then 1 end) as control_orders,
        count(case when not is_logistics_notice_received and is_repurchased_within_30d then 1 end)
            as control_successes
    from orders

    union all

    select
        'logistics_notice_vs_none_late_parcels' as comparison,
        'return_rate' as metric_name,
        'notice_received' as treated_group,
        'no_notice' as control_group,
        count(case when is_logistics_notice_received then 1 end) as treated_orders,
        count(case when is_logistics_notice_received and is_returned then 1 end) as treated_successes,
        count(case when not is_logistics_notice_received then 1 end) as control_orders,
        count(case when not is_logistics_notice_received and is_returned then 1 end) as control_successes
    from orders
    where is_delivered_late

    union all

    select
        'logistics_notice_vs_none_late_parcels' as comparison,
        'repurchase_30d_rate' as metric_name,
        'notice_received' as treated_group,
        'no_notice' as control_group,
        count(case when is_logistics_notice_received then 1 end) as treated_orders,
        count(case when is_logistics_notice_received and is_repurchased_within_30d then 1 end)
            as treated_successes,
        count(case when not is_logistics_notice_received then 1 end) as control_orders,
        count(case when not is_logistics_notice_received and is_repurchased_within_30d then 1 end)
            as control_successes
    from orders
    where is_delivered_late

),

rates as (

    select
        *,
        {{ safe_rate('treated_successes', 'treated_orders') }} as treated_rate,
        {{ safe_rate('control_successes', 'control_orders') }} as control_rate,
        {{ two_proportion_interval_se('treated_successes', 'treated_orders', 'control_successes', 'control_orders') }}
            as interval_standard_error,
        {{ two_proportion_null_se('treated_successes', 'treated_orders', 'control_successes', 'control_orders') }}
            as null_standard_error
    from comparisons

),

statistics as (

    select
        *,
        treated_rate - control_rate as absolute_difference,
        case
            when null_standard_error > 0 then (treated_rate - control_rate) / null_standard_error
        end as test_statistic
    from rates

),

final as (

    select
        cast(comparison as {{ dbt.type_string() }}) as comparison,
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(treated_group as {{ dbt.type_string() }}) as treated_group,
        cast(control_group as {{ dbt.type_string() }}) as control_group,
        cast(treated_orders as bigint) as treated_orders,
        cast(treated_successes as bigint) as treated_successes,
        cast(control_orders as bigint) as control_orders,
        cast(control_successes as bigint) as control_successes,
        cast(treated_rate as double) as treated_rate,
        cast(control_rate as double) as control_rate,
        cast(absolute_difference as double) as absolute_difference,
        cast(
            case when control_rate <> 0 then absolute_difference / control_rate end as double
        ) as relative_difference,
        cast(absolute_difference - {{ z_975 }} * interval_standard_error as double) as ci_lower,
        cast(absolute_difference + {{ z_975 }} * interval_standard_error as double) as ci_upper,
        cast(test_statistic as double) as test_statistic,
        cast({{ stats_normal_two_sided_p('abs(test_statistic)') }} as double) as p_value,
        coalesce({{ stats_normal_two_sided_p('abs(test_statistic)') }} < 0.05, false) as is_significant
    from statistics

)

select * from final
