{#-
    One row per clean order (stg_shop__orders) with money, fulfilment and
    repeat-purchase facts. The rules are written in int_orders_joined and
    in the YAML of this model; this model fixes the contract's types.
-#}
with

orders as (

    select * from {{ ref('int_orders_joined') }}

),

final as (

    select
        cast(order_id as bigint) as order_id,
        cast(user_id as bigint) as user_id,
        cast(placed_at as timestamp) as placed_at,
        cast(placed_date as date) as placed_date,
        cast(paid_at as timestamp) as paid_at,
        cast(paid_date as date) as paid_date,
        cast(cancelled_at as timestamp) as cancelled_at,
        cast(cancelled_date as date) as cancelled_date,
        cast(order_status as {{ dbt.type_string() }}) as order_status,
        cast(is_paid as boolean) as is_paid,
        cast(is_zero_amount as boolean) as is_zero_amount,
        cast(order_channel as {{ dbt.type_string() }}) as order_channel,
        cast(campaign_id as bigint) as campaign_id,
        cast(coupon_id as bigint) as coupon_id,
        cast(list_amount_cny as decimal(18, 2)) as list_amount_cny,
        cast(discount_amount_cny as decimal(18, 2)) as discount_amount_cny,
        cast(coupon_amount_cny as decimal(18, 2)) as coupon_amount_cny,
        cast(shipping_fee_cny as decimal(18, 2)) as shipping_fee_cny,
        cast(order_amount_cny as decimal(18, 2)) as order_amount_cny,
        cast(paid_gmv_cny as decimal(18, 2)) as paid_gmv_cny,
        cast(refunded_amount_cny as decimal(18, 2)) as refunded_amount_cny,
        cast(net_gmv_cny as decimal(18, 2)) as net_gmv_cny,
        cast(item_count as integer) as item_count,
        cast(item_cost_cny as decimal(18, 2)) as item_cost_cny,
        cast(gross_margin_cny as decimal(18, 2)) as gross_margin_cny,
        cast(shipped_at as timestamp) as shipped_at,
        cast(delivered_at as timestamp) as delivered_at,
        cast(delivered_date as date) as delivered_date,
        cast(promised_delivery_at as timestamp) as promised_delivery_at,
        cast(is_delivered_within_72h as boolean) as is_delivered_within_72h,
        cast(is_late_delivery as boolean) as is_late_delivery,
        cast(is_returned as boolean) as is_returned,
        cast(is_first_paid_order as boolean) as is_first_paid_order,
        cast(paid_order_sequence as integer) as paid_order_sequence
    from orders

)

select * from final
