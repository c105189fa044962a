-- Per quarter, paid orders and GMV of non_member + regular + vip equal
-- those of 'all', and member = regular + vip; 'all' equals fct_orders.

with

kpis as (

    select * from {{ ref('fct_member_kpis_quarterly') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

pivoted as (

    select
        quarter_start_date,
        sum(case when tier_group = 'all' then paid_orders else 0 end) as all_orders,
        sum(case when tier_group in ('non_member', 'regular', 'vip') then paid_orders else 0 end) as tier_orders,
        sum(case when tier_group = 'member' then paid_orders else 0 end) as member_orders,
        sum(case when tier_group in ('regular', 'vip') then paid_orders else 0 end) as regular_vip_orders,
        sum(case when tier_group = 'all' then paid_gmv_cny else 0 end) as all_gmv_cny,
        sum(case when tier_group in ('non_member', 'regular', 'vip') then paid_gmv_cny else 0 end) as tier_gmv_cny
    from kpis
    group by quarter_start_date

),

order_totals as (

    select
        cast({{ dbt.date_trunc('quarter', 'paid_date') }} as date) as quarter_start_date,
        count(*) as paid_orders,
        sum(paid_gmv_cny) as paid_gmv_cny
    from orders
    where is_paid
    group by cast({{ dbt.date_trunc('quarter', 'paid_date') }} as date)

)

select pivoted.quarter_start_date
from pivoted
full outer join order_totals
    on pivoted.quarter_start_date = order_totals.quarter_start_date
where
    pivoted.quarter_start_date is null
    or order_totals.quarter_start_date is null
    or pivoted.all_orders != pivoted.tier_orders
    or pivoted.member_orders != pivoted.regular_vip_orders
    or pivoted.all_gmv_cny != pivoted.tier_gmv_cny
    or pivoted.all_orders != order_totals.paid_orders
    or pivoted.all_gmv_cny != order_totals.paid_gmv_cny
