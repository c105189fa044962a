-- The LTV curve a BI tool plots: per first-paid-order cohort month, segment
-- and month number, averages over the segment's customers of fct_member_ltv.
-- fct_member_ltv holds only months the data has fully seen, and every
-- customer of a cohort reaches the same calendar month together, so every
-- cell here is complete.

with

member_ltv as (

    select * from {{ ref('fct_member_ltv') }}

),

segmented as (

    select
        'all' as segment_type,
        'all' as segment_value,
        cohort_month,
        month_number,
        user_id,
        cumulative_paid_orders,
        cumulative_paid_gmv_cny,
        cumulative_net_gmv_cny,
        cumulative_gross_margin_cny
    from member_ltv

    union all

    select
        'acquisition_channel' as segment_type,
        acquisition_channel as segment_value,
        cohort_month,
        month_number,
        user_id,
        cumulative_paid_orders,
        cumulative_paid_gmv_cny,
        cumulative_net_gmv_cny,
        cumulative_gross_margin_cny
    from member_ltv

    union all

    select
        'first_order_tier' as segment_type,
        first_order_tier as segment_value,
        cohort_month,
        month_number,
        user_id,
        cumulative_paid_orders,
        cumulative_paid_gmv_cny,
        cumulative_net_gmv_cny,
        cumulative_gross_margin_cny
    from member_ltv

),

aggregated as (

    select
        cohort_month,
        segment_type,
        segment_value,
        month_number,
        count(*) as customers,
        sum(case when cumulative_paid_orders >= 2 then 1 else 0 end) as repeat_customers,
        sum(cumulative_paid_orders) as cumulative_paid_orders,
        sum(cumulative_paid_gmv_cny) as cumulative_paid_gmv_cny,
        sum(cumulative_net_gmv_cny) as cumulative_net_gmv_cny,
        sum(cumulative_gross_margin_cny) as cumulative_gross_margin_cny
    from segmented
    group by cohort_month, segment_type, segment_value, month_number

),

final as (

    select
        {{ surrogate_key(['cohort_month', 'segment_type', 'segment_value', 'month_number']) }} as ltv_curve_cell_id,
        cohort_month,
        segment_type,
        segment_value,
        month_number,
        cast(customers as bigint) as customers,
        cast(repeat_customers as bigint) as repeat_customers,
        cast(1.0 * repeat_customers / customers as decimal(9, 4)) as repurchase_rate,
        cast(cumulative_paid_orders as bigint) as cumulative_paid_orders,
        cast(cumulative_paid_gmv_cny as decimal(18, 2)) as cumulative_paid_gmv_cny,
        cast(cumulative_net_gmv_cny as decimal(18, 2)) as cumulative_net_gmv_cny,
        {{ money_divide('cumulative_paid_gmv_cny', 'customers') }} as avg_cumulative_paid_gmv_cny,
        {{ money_divide('cumulative_net_gmv_cny', 'customers') }} as avg_cumulative_net_gmv_cny,
        {{ money_divide('cumulative_gross_margin_cny', 'customers') }} as avg_cumulative_gross_margin_cny,
        {{ money_divide('cumulative_paid_gmv_cny', 'cumulative_paid_orders') }} as aov_cny
    from aggregated

)

select * from final
