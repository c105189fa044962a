{#-
    Churn node 3, ordered_not_paid (下单未支付): one episode per order
    placed. The recovery is the user's first payment at or after the order
    was placed: the order itself being paid, or any other order of the user
    being paid (a re-placed order counts: the user did pay). The order's own
    paid_at is kept apart for the order-level "orders unpaid after 3 days".
-#}
with

orders as (

    select
        order_id,
        user_id,
        campaign_id,
        placed_at,
        paid_at,
        is_paid
    from {{ ref('stg_shop__orders') }}

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

orders_with_later_payments as (

    select
        orders.order_id,
        orders.user_id,
        orders.placed_at,
        orders.paid_at as order_paid_at,
        payments.order_id as paying_order_id,
        payments.campaign_id as paying_order_campaign_id,
        payments.paid_at,
        row_number() over (
            partition by orders.order_id
            order by payments.paid_at, payments.order_id
        ) as payment_rank
    from orders
    left join payments
        on
            orders.user_id = payments.user_id
            and orders.placed_at <= payments.paid_at

),

final as (

    select
        user_id,
        'ordered_not_paid' as node,
        placed_at as entered_at,
        'order_placed' as entry_reference_type,
        order_id as entry_reference_id,
        order_paid_at,
        paid_at as recovered_at,
        case when paying_order_id is not null then 'order_paid' end as recovery_reference_type,
        paying_order_id as recovery_reference_id,
        paying_order_campaign_id as recovery_campaign_id
    from orders_with_later_payments
    where payment_rank = 1

)

select * from final
