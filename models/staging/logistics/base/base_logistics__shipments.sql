{#-
    Every raw shipment row, typed, with its quarantine reason and its rank
    among rows of the same shipment_id (1 = latest loaded_at, the one kept).
    A shipment belongs in staging only if its order does.
-#}
with

source as (

    select
        shipment_id,
        order_id,
        carrier,
        shipped_at,
        delivered_at,
        promised_delivery_at,
        loaded_at
    from {{ raw_source('logistics', 'shipments') }}

),

orders as (

    select
        order_id,
        paid_at,
        quarantine_reason
    from {{ ref('base_shop__orders') }}
    where duplicate_rank = 1

),

typed as (

    select
        {{ safe_cast('shipment_id', 'bigint') }} as shipment_id,
        {{ safe_cast('order_id', 'bigint') }} as order_id,
        {{ normalise_enum('carrier') }} as raw_carrier,
        {{ safe_cast('shipped_at', 'timestamp') }} as shipped_at,
        {{ safe_cast('delivered_at', 'timestamp') }} as delivered_at,
        {{ safe_cast('promised_delivery_at', 'timestamp') }} as promised_delivery_at,
        {{ safe_cast('loaded_at', 'timestamp') }} as loaded_at,
        cast(shipment_id as {{ dbt.type_string() }}) as natural_key,
        {{ raw_row_json(
            ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'delivered_at',
             'promised_delivery_at', 'loaded_at']
        ) }} as raw_row,
        (shipment_id is null or order_id is null) as is_key_missing,
        (
            shipped_at is null
            or loaded_at is null
            or {{ cast_fails('shipment_id', 'bigint') }}
            or {{ cast_fails('order_id', 'bigint') }}
            or {{ cast_fails('shipped_at', 'timestamp') }}
            or {{ cast_fails('delivered_at', 'timestamp') }}
            or {{ cast_fails('promised_delivery_at', 'timestamp') }}
            or {{ cast_fails('loaded_at', 'timestamp') }}
        ) as has_invalid_value
    from source

),

repaired as (

    select
        typed.shipment_id,
        typed.order_id,
        -- Repair: carrier names written in Chinese or in full.
        case
            when typed.raw_carrier in ('sf', 'sf_express', '顺丰') then 'sf'
            when typed.raw_carrier in ('jd', 'jd_logistics', '京东', '京东物流') then 'jd'
            when typed.raw_carrier in ('zto', '中通') then 'zto'
            when typed.raw_carrier in ('yto', '圆通') then 'yto'
            when typed.raw_carrier in ('ems', 'china_post', '邮政') then 'ems'
        end as carrier,
        typed.shipped_at,
        {{ to_shanghai_date('typed.shipped_at') }} as shipped_date,
        typed.delivered_at,
        {{ to_shanghai_date('typed.delivered_at') }} as delivered_date,
        typed.promised_delivery_at,
        typed.loaded_at,
        typed.natural_key,
        typed.raw_row,
        typed.is_key_missing,
        typed.has_invalid_value
    from typed

),

ranked as (

    select
        repaired.*,
        case
            when repaired.shipment_id is null then 1
            else row_number() over (
                    partition by repaired.shipment_id
                    order by repaired.loaded_at desc nulls last, repaired.raw_row desc
                )
        end as duplicate_rank
    from repaired

),

final as (

    select
        ranked.shipment_id,
        ranked.order_id,
        ranked.carrier,
        ranked.shipped_at,
        ranked.shipped_date,
        ranked.delivered_at,
        ranked.delivered_date,
        ranked.promised_delivery_at,
        ranked.loaded_at,
        ranked.natural_key,
        ranked.raw_row,
        ranked.duplicate_rank,
        case
            when ranked.is_key_missing then 'null_key'
            when ranked.has_invalid_value then 'invalid_value'
            when ranked.carrier is null then 'unknown_enum'
            when ranked.delivered_at < ranked.shipped_at then 'delivered_before_shipped'
            when orders.order_id is not null
                and (orders.paid_at is null or ranked.shipped_at < orders.paid_at)
                then 'shipped_before_paid'
            when orders.order_id is null then 'orphan_order'
            when orders.quarantine_reason = 'test_account' then 'test_account'
            when orders.quarantine_reason is not null then 'parent_quarantined'
        end as quarantine_reason
    from ranked
    left join orders
        on ranked.order_id = orders.order_id

)

select * from final
