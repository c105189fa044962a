{#-
    Clean shipments: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_logistics__shipments.
-#}
with

base as (

    select * from {{ ref('base_logistics__shipments') }}

),

final as (

    select
        shipment_id,
        order_id,
        carrier,
        shipped_at,
        shipped_date,
        delivered_at,
        delivered_date,
        promised_delivery_at,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
