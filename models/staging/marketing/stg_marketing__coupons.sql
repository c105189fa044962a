{#-
    Clean coupons: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_marketing__coupons.
-#}
with

base as (

    select * from {{ ref('base_marketing__coupons') }}

),

final as (

    select
        coupon_id,
        user_id,
        campaign_id,
        threshold_amount_cny,
        discount_value_cny,
        issued_at,
        issued_date,
        expires_at,
        redeemed_at,
        redeemed_date,
        redeemed_order_id,
        is_redeemed,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
