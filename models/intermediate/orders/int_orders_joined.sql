{#-
    One row per staged order with its lines, parcel, refunds and its place
    among the buyer's paid orders. The business rules of fct_orders live
    here:
    - paid_gmv_cny: order_amount_cny when the order is paid, else 0.
    - net_gmv_cny: paid_gmv_cny - refunded_amount_cny.
    - gross_margin_cny: paid_gmv_cny - item_cost_cny for a paid order
      (goods cost only, before refunds), 0 for an unpaid order, null where
      the cost of a line is unknown.
    - is_delivered_within_72h: delivered_at <= paid_at + 72 hours; null
      while not delivered.
    - is_late_delivery: delivered_at > promised_delivery_at; null while not
      delivered or without a promise.
    - paid_order_sequence: 1, 2, ... over the user's paid orders by paid_at,
      then order_id; null for unpaid orders. is_first_paid_order: it is 1.
-#}
with

orders as (

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
        order_channel,
        campaign_id,
        coupon_id,
        list_amount_cny,
        discount_amount_cny,
        coupon_amount_cny,
        shipping_fee_cny,
        order_amount_cny
    from {{ ref('stg_shop__orders') }}

),

order_items as (

    select
        order_id,
        item_count,
        item_cost_cny
    from {{ ref('int_order_items_aggregated') }}

),

fulfilments as (

    select
        order_id,
        shipped_at,
        delivered_at,
        delivered_date,
        promised_delivery_at,
        return_count,
        refunded_amount_cny
    from {{ ref('int_order_fulfilments_aggregated') }}

),

joined as (

    select
        orders.order_id,
        orders.user_id,
        orders.placed_at,
        orders.placed_date,
        orders.paid_at,
        orders.paid_date,
        orders.cancelled_at,
        orders.cancelled_date,
        orders.order_status,
        orders.is_paid,
        orders.is_zero_amount,
        orders.order_channel,
        orders.campaign_id,
        orders.coupon_id,
        orders.list_amount_cny,
        orders.discount_amount_cny,
        orders.coupon_amount_cny,
        orders.shipping_fee_cny,
        orders.order_amount_cny,
        case when orders.is_paid then orders.order_amount_cny else 0 end as paid_gmv_cny,
        coalesce(fulfilments.refunded_amount_cny, 0) as refunded_amount_cny,
        coalesce(order_items.item_count, 0) as item_count,
        order_items.item_cost_cny,
        fulfilments.shipped_at,
        fulfilments.delivered_at,
        fulfilments.delivered_date,
        fulfilments.promised_delivery_at,
        coalesce(fulfilments.return_count, 0) > 0 as is_returned
    from orders
    left join order_items
        on orders.order_id = order_items.order_id
    left join fulfilments
        on orders.order_id = fulfilments.order_id

),

sequenced as (

    select
        order_id,
        row_number() over (
            partition by user_id
            order by paid_at, order_id
        ) as paid_order_sequence
    from joined
    where is_paid

),

final as (

    select
        joined.order_id,
        joined.user_id,
        joined.placed_at,
        joined.placed_date,
        joined.paid_at,
        joined.paid_date,
        joined.cancelled_at,
        joined.cancelled_date,
        joined.order_status,
        joined.is_paid,
        joined.is_zero_amount,
        joined.order_channel,
        joined.campaign_id,
        joined.coupon_id,
        joined.list_amount_cny,
        joined.discount_amount_cny,
        joined.coupon_amount_cny,
        joined.shipping_fee_cny,
        joined.order_amount_cny,
        joined.paid_gmv_cny,
        joined.refunded_amount_cny,
        joined.paid_gmv_cny - joined.refunded_amount_cny as net_gmv_cny,
        joined.item_count,
        joined.item_cost_cny,
        case
            when not joined.is_paid then 0
            else joined.paid_gmv_cny - joined.item_cost_cny
        end as gross_margin_cny,
        joined.shipped_at,
        joined.delivered_at,
        joined.delivered_date,
        joined.promised_delivery_at,
        case
            when joined.delivered_at is not null
                then joined.delivered_at <= {{ dbt.dateadd('hour', 72, 'joined.paid_at') }}
        end as is_delivered_within_72h,
        case
            when joined.delivered_at is not null and joined.promised_delivery_at is not null
                then joined.delivered_at > joined.promised_delivery_at
        end as is_late_delivery,
        joined.is_returned,
        coalesce(sequenced.paid_order_sequence = 1, false) as is_first_paid_order,
        sequenced.paid_order_sequence
    from joined
    left join sequenced
        on joined.order_id = sequenced.order_id

)

select * from final
