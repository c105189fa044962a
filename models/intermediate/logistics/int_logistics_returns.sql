{#-
    One row per clean return (stg_logistics__returns) of an order in
    fct_orders, with the order's parcel facts from int_logistics_orders:
    carrier, whether the parcel was delivered late (fct_orders'
    is_late_delivery; false when not delivered or without a promise) and
    whether it is the order's first return. Rules are in
    _logistics__models.yml.
-#}
with

returns as (

    select
        return_id,
        order_id,
        requested_at,
        requested_date,
        return_reason,
        refund_amount_cny
    from {{ ref('stg_logistics__returns') }}

),

orders as (

    select
        order_id,
        user_id,
        carrier,
        city,
        delivered_at,
        is_late_delivery
    from {{ ref('int_logistics_orders') }}

),

final as (

    select
        returns.return_id,
        returns.order_id,
        orders.user_id,
        orders.carrier,
        orders.city,
        returns.requested_at,
        returns.requested_date,
        returns.return_reason,
        returns.refund_amount_cny,
        orders.delivered_at,
        coalesce(orders.is_late_delivery, false) as is_order_delivered_late,
        row_number() over (
            partition by returns.order_id
            order by returns.requested_at, returns.return_id
        ) = 1 as is_first_return_of_order
    from returns
    inner join orders
        on returns.order_id = orders.order_id

)

select * from final
