{#-
    Clean order items: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_shop__order_items.
-#}
with

base as (

    select * from {{ ref('base_shop__order_items') }}

),

final as (

    select
        order_item_id,
        order_id,
        product_id,
        category,
        quantity,
        unit_price_cny,
        unit_cost_cny,
        line_amount_cny,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
