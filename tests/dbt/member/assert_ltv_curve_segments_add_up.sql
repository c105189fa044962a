-- In every cohort and month, the acquisition-channel segments and the
-- first-order-tier segments each partition the 'all' segment: customers,
-- repeat customers and cumulative net GMV add up.

with

curves as (

    select * from {{ ref('fct_ltv_curves') }}

),

by_type as (

    select
        cohort_month,
        month_number,
        segment_type,
        sum(customers) as customers,
        sum(repeat_customers) as repeat_customers,
        sum(cumulative_net_gmv_cny) as cumulative_net_gmv_cny
    from curves
    group by cohort_month, month_number, segment_type

),

all_segment as (

    select * from by_type
    where segment_type = 'all'

)

select
    by_type.cohort_month,
    by_type.month_number,
    by_type.segment_type
from by_type
inner join all_segment
    on
        by_type.cohort_month = all_segment.cohort_month
        and by_type.month_number = all_segment.month_number
where
    by_type.customers != all_segment.customers
    or by_type.repeat_customers != all_segment.repeat_customers
    or by_type.cumulative_net_gmv_cny != all_segment.cumulative_net_gmv_cny
