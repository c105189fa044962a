-- One definition of AOV (客单价 = paid GMV / paid orders, money_divide half-up):
-- every row of fct_member_kpis_quarterly has aov_cny equal to the paid GMV over the
-- paid orders recomputed from fct_orders for the same population: the orders paid
-- in the quarter (Asia/Shanghai paid_date), for tier groups the buyer's tier at
-- purchase (dim_member_tier_history as of the day before the paid day; none =
-- non_member; member = regular + vip; all = every paid order). Returns the rows
-- whose orders, GMV or AOV disagree, and quarters or groups only one side has.
with

orders as (

    select * from {{ ref('fct_orders') }}

),

tier_history as (

    select * from {{ ref('dim_member_tier_history') }}

),

paid_orders as (

    select
        orders.order_id,
        orders.paid_gmv_cny,
        cast({{ dbt.date_trunc('quarter', 'orders.paid_date') }} as date) as quarter_start_date,
        coalesce(tier_history.tier, 'non_member') as tier_at_purchase
    from orders
    left join tier_history
        on
            orders.user_id = tier_history.user_id
            and cast({{ dbt.dateadd('day', -1, 'orders.paid_date') }} as date) >= tier_history.valid_from_date
            and cast({{ dbt.dateadd('day', -1, 'orders.paid_date') }} as date) < tier_history.valid_to_date
    where orders.is_paid

),

grouped as (

    select
        quarter_start_date,
        'all' as tier_group,
        order_id,
        paid_gmv_cny
    from paid_orders
    union all
    select
        quarter_start_date,
        tier_at_purchase as tier_group,
        order_id,
        paid_gmv_cny
    from paid_orders
    union all
    select
        quarter_start_date,
        'member' as tier_group,
        order_id,
        paid_gmv_cny
    from paid_orders
    where tier_at_purchase in ('regular', 'vip')

),

totals as (

    select
        quarter_start_date,
        tier_group,
        count(*) as paid_orders,
        sum(paid_gmv_cny) as paid_gmv_cny
    from grouped
    group by quarter_start_date, tier_group

),

recomputed as (

    select
        quarter_start_date,
        tier_group,
        paid_orders,
        paid_gmv_cny,
        {{ money_divide('paid_gmv_cny', 'paid_orders') }} as aov_cny
    from totals

),

kpis as (

    select * from {{ ref('fct_member_kpis_quarterly') }}

)

select
    coalesce(kpis.quarter_start_date, recomputed.quarter_start_date) as quarter_start_date,
    coalesce(kpis.tier_group, recomputed.tier_group) as tier_group,
    kpis.paid_orders,
    recomputed.paid_orders as orders_paid_orders,
    kpis.paid_gmv_cny,
    recomputed.paid_gmv_cny as orders_paid_gmv_cny,
    kpis.aov_cny,
    recomputed.aov_cny as orders_aov_cny
from kpis
full outer join recomputed
    on
        kpis.quarter_start_date = recomputed.quarter_start_date
        and kpis.tier_group = recomputed.tier_group
where
    kpis.quarter_start_date is null
    or recomputed.quarter_start_date is null
    or kpis.paid_orders != recomputed.paid_orders
    or kpis.paid_gmv_cny != recomputed.paid_gmv_cny
    or kpis.aov_cny is distinct from recomputed.aov_cny
