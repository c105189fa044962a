{#-
    Clean orders: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_shop__orders.
-#}
with

base as (

    select * from {{ ref('base_shop__orders') }}

),

final as (

    select
        order_id,
        user_id,
        placed_at,
        placed_date,
        paid_at,
        paid_date,
        cancelled_at,
        cancelled_date,
        order_status,
        is_paid,
        is_zero_amount,
        list_amount_cny,
        discount_amount_cny,
        coupon_amount_cny,
        shipping_fee_cny,
        order_amount_cny,
        order_source,
        order_channel,
        campaign_id,
        coupon_id,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
