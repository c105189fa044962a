-- Member repurchase rate and AOV by tier per calendar quarter (Asia/Shanghai).
-- Each paid order carries the buyer's tier at purchase: the tier held at the
-- start of its paid day, i.e. as of the day before (so the order that lifts
-- a buyer into a tier is not counted in that tier).

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
        orders.user_id,
        orders.paid_date,
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

order_groups as (

    select
        quarter_start_date,
        user_id,
        order_id,
        paid_gmv_cny,
        'all' as tier_group
    from paid_orders
    union all
    select
        quarter_start_date,
        user_id,
        order_id,
        paid_gmv_cny,
        tier_at_purchase as tier_group
    from paid_orders
    union all
    select
        quarter_start_date,
        user_id,
        order_id,
        paid_gmv_cny,
        'member' as tier_group
    from paid_orders
    where tier_at_purchase in ('regular', 'vip')

),

buyers as (

    select
        quarter_start_date,
        tier_group,
        user_id,
        count(*) as paid_orders,
        sum(paid_gmv_cny) as paid_gmv_cny
    from order_groups
    group by quarter_start_date, tier_group, user_id

),

quarterly as (

    select
        quarter_start_date,
        tier_group,
        count(*) as buyers,
        sum(case when paid_orders >= 2 then 1 else 0 end) as repeat_buyers,
        sum(paid_orders) as paid_orders,
        sum(paid_gmv_cny) as paid_gmv_cny
    from buyers
    group by quarter_start_date, tier_group

),

final as (

    select
        {{ surrogate_key(['quarter_start_date', 'tier_group']) }} as member_kpi_id,
        quarter_start_date,
        cast(extract(year from quarter_start_date) as integer) as calendar_year,
        cast(extract(quarter from quarter_start_date) as integer) as calendar_quarter,
        tier_group,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'quarter_start_date')) }} as date)
        <= {{ last_data_date() }} as is_complete_quarter,
        cast(buyers as bigint) as buyers,
        cast(repeat_buyers as bigint) as repeat_buyers,
        cast(1.0 * repeat_buyers / buyers as decimal(9, 4)) as repurchase_rate,
        cast(paid_orders as bigint) as paid_orders,
        cast(paid_gmv_cny as decimal(18, 2)) as paid_gmv_cny,
        {{ money_divide('paid_gmv_cny', 'paid_orders') }} as aov_cny
    from quarterly

)

select * from final
