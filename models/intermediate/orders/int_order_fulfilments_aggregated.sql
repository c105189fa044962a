{#-
    One row per staged order that has a staged shipment or return: the
    parcel's timestamps and the refunds. The raw contract has one parcel per
    order; should an order have several, the first shipped one counts (ties:
    lowest shipment_id).
-#}
with

shipments as (

    select
        shipment_id,
        order_id,
        shipped_at,
        delivered_at,
        delivered_date,
        promised_delivery_at
    from {{ ref('stg_logistics__shipments') }}

),

returns as (

    select
        order_id,
        refund_amount_cny
    from {{ ref('stg_logistics__returns') }}

),

ranked_shipments as (

    select
        order_id,
        shipped_at,
        delivered_at,
        delivered_date,
        promised_delivery_at,
        row_number() over (
            partition by order_id
            order by shipped_at, shipment_id
        ) as shipment_rank
    from shipments

),

first_shipments as (

    select
        order_id,
        shipped_at,
        delivered_at,
        delivered_date,
        promised_delivery_at
    from ranked_shipments
    where shipment_rank = 1

),

refunds as (

    select
        order_id,
        count(*) as return_count,
        sum(refund_amount_cny) as refunded_amount_cny
    from returns
    group by order_id

),

order_ids as (

    select order_id from first_shipments
    union
    select order_id from refunds

),

final as (

    select
        order_ids.order_id,
        first_shipments.shipped_at,
        first_shipments.delivered_at,
        first_shipments.delivered_date,
        first_shipments.promised_delivery_at,
        cast(coalesce(refunds.return_count, 0) as integer) as return_count,
        cast(coalesce(refunds.refunded_amount_cny, 0) as decimal(18, 2)) as refunded_amount_cny
    from order_ids
    left join first_shipments
        on order_ids.order_id = first_shipments.order_id
    left join refunds
        on order_ids.order_id = refunds.order_id

)

select * from final
