{#-
    One row per issued coupon (stg_marketing__coupons) with the paid order
    that redeemed it and its cost: the one place the coupon redemption and
    coupon cost rules are written (read by fct_campaign_performance and
    fct_coupon_performance). Definitions in _int_marketing__models.yml.
-#}
{{ config(materialized='table') }}

with

coupons as (
    select * from {{ ref('stg_marketing__coupons') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

-- The clean paid orders that carry the coupon (fct_orders.coupon_id),
-- first paid first; normally at most one per coupon.
coupon_orders as (
    select
        orders.coupon_id,
        orders.order_id,
        orders.is_paid,
        orders.paid_at,
        orders.paid_date,
        orders.paid_gmv_cny,
        orders.coupon_amount_cny,
        row_number() over (
            partition by orders.coupon_id
            order by orders.paid_at, orders.order_id
        ) as paid_order_rank
    from orders
    where orders.coupon_id is not null and orders.is_paid
),

paid_totals as (
    select
        coupon_id,
        count(*) as paid_orders,
        sum(coupon_amount_cny) as coupon_cost_cny,
        sum(paid_gmv_cny) as redeemed_order_gmv_cny
    from coupon_orders
    group by coupon_id
),

first_paid_order as (
    select
        coupon_id,
        order_id,
        paid_at,
        paid_date
    from coupon_orders
    where paid_order_rank = 1
),

-- Unpaid clean orders that carry the coupon.
unpaid_uses as (
    select
        coupon_id,
        count(*) as unpaid_orders
    from orders
    where coupon_id is not null and not is_paid
    group by coupon_id
),

joined as (
    select
        coupons.coupon_id,
        coupons.user_id,
        coupons.campaign_id,
        coupons.threshold_amount_cny,
        coupons.discount_value_cny,
        coupons.issued_at,
        coupons.issued_date,
        coupons.expires_at,
        {{ to_shanghai_date('coupons.expires_at') }} as expires_date,
        coupons.is_redeemed as is_recorded_redeemed,
        coupons.redeemed_at as recorded_redeemed_at,
        coupons.redeemed_order_id as recorded_redeemed_order_id,
        recorded_order.order_id is not null as is_recorded_order_found,
        coalesce(recorded_order.is_paid, false) as is_recorded_order_paid,
        first_paid_order.order_id,
        first_paid_order.paid_at as redeemed_at,
        first_paid_order.paid_date as redeemed_date,
        coalesce(paid_totals.paid_orders, 0) as paid_orders,
        coalesce(unpaid_uses.unpaid_orders, 0) as unpaid_orders,
        coalesce(paid_totals.coupon_cost_cny, 0) as coupon_cost_cny,
        coalesce(paid_totals.redeemed_order_gmv_cny, 0) as redeemed_order_gmv_cny
    from coupons
    left join paid_totals
        on coupons.coupon_id = paid_totals.coupon_id
    left join first_paid_order
        on coupons.coupon_id = first_paid_order.coupon_id
    left join unpaid_uses
        on coupons.coupon_id = unpaid_uses.coupon_id
    left join orders as recorded_order
        on coupons.redeemed_order_id = recorded_order.order_id
),

final as (
    select
        coupon_id,
        user_id,
        campaign_id,
        cast(threshold_amount_cny as decimal(18, 2)) as threshold_amount_cny,
        cast(discount_value_cny as decimal(18, 2)) as discount_value_cny,
        issued_at,
        issued_date,
        expires_at,
        expires_date,
        is_recorded_redeemed,
        recorded_redeemed_at,
        recorded_redeemed_order_id,
        order_id,
        redeemed_at,
        redeemed_date,
        order_id is not null as is_redeemed,
        case
            when order_id is not null
                then cast({{ dbt.datediff('issued_date', 'redeemed_date', 'day') }} as integer)
        end as days_to_redeem,
        coalesce(order_id is not null and redeemed_at > expires_at, false) as is_redeemed_after_expiry,
        case
            when order_id is not null then 'redeemed'
            when unpaid_orders > 0 or (is_recorded_order_found and not is_recorded_order_paid)
                then 'used_on_unpaid_order'
            when is_recorded_redeemed or recorded_redeemed_order_id is not null then 'unmatched_redemption'
            when expires_date < {{ last_data_date() }} then 'expired'
            else 'unused'
        end as redemption_status,
        cast(paid_orders as integer) as paid_orders,
        cast(coupon_cost_cny as decimal(18, 2)) as coupon_cost_cny,
        cast(redeemed_order_gmv_cny as decimal(18, 2)) as redeemed_order_gmv_cny
    from joined
)

select * from final
