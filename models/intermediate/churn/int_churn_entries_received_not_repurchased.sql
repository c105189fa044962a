{#-
    Churn node 4, received_not_repurchased (签收未复购): one episode per
    delivered order, entered when the buyer signs for its parcel
    (delivered_at). An order split into several parcels counts its first
    shipped parcel, the rule of int_order_fulfilments_aggregated (fct_orders
    uses the same), so an order enters the node once.
    The recovery is the user's first payment strictly after the delivery
    (a new paid order).
-#}
with

orders as (

    select
        order_id,
        user_id,
        campaign_id,
        paid_at,
        is_paid
    from {{ ref('stg_shop__orders') }}

),

fulfilments as (

    select
        order_id,
        delivered_at
    from {{ ref('int_order_fulfilments_aggregated') }}

),

deliveries as (

    select
        orders.order_id,
        orders.user_id,
        fulfilments.delivered_at
    from fulfilments
    inner join orders
        on fulfilments.order_id = orders.order_id
    where fulfilments.delivered_at is not null

),

payments as (

    select
        order_id,
        user_id,
        campaign_id,
        paid_at
    from orders
    where is_paid

),

deliveries_with_later_payments as (

    select
        deliveries.order_id,
        deliveries.user_id,
        deliveries.delivered_at,
        payments.order_id as paying_order_id,
        payments.campaign_id as paying_order_campaign_id,
        payments.paid_at,
        row_number() over (
            partition by deliveries.order_id
            order by payments.paid_at, payments.order_id
        ) as payment_rank
    from deliveries
    left join payments
        on
            deliveries.user_id = payments.user_id
            and deliveries.delivered_at < payments.paid_at

),

final as (

    select
        user_id,
        'received_not_repurchased' as node,
        delivered_at as entered_at,
        'order_delivered' as entry_reference_type,
        order_id as entry_reference_id,
        paid_at as recovered_at,
        case when paying_order_id is not null then 'order_paid' end as recovery_reference_type,
        paying_order_id as recovery_reference_id,
        paying_order_campaign_id as recovery_campaign_id
    from deliveries_with_later_payments
    where payment_rank = 1

)

select * from final
