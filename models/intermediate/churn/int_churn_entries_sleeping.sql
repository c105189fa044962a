{#-
    Churn node 5, sleeping (沉睡用户): every payment starts the clock. One
    episode per user and distinct payment instant (two orders paid in the
    same second are one episode, referenced by the smaller order id); the
    recovery is the user's next payment strictly after it. So at any moment
    each buyer has exactly one open episode, the one since the last payment,
    and the buyer is sleeping once that episode passes its deadline.
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

payments as (

    select
        order_id,
        user_id,
        campaign_id,
        paid_at
    from orders
    where is_paid

),

payment_instants as (

    select
        user_id,
        paid_at,
        min(order_id) as order_id
    from payments
    group by user_id, paid_at

),

instants_with_next as (

    select
        user_id,
        paid_at,
        order_id,
        lead(paid_at) over (partition by user_id order by paid_at) as next_paid_at,
        lead(order_id) over (partition by user_id order by paid_at) as next_order_id
    from payment_instants

),

final as (

    select
        instants_with_next.user_id,
        'sleeping' as node,
        instants_with_next.paid_at as entered_at,
        'order_paid' as entry_reference_type,
        instants_with_next.order_id as entry_reference_id,
        instants_with_next.next_paid_at as recovered_at,
        case when instants_with_next.next_order_id is not null then 'order_paid' end as recovery_reference_type,
        instants_with_next.next_order_id as recovery_reference_id,
        next_orders.campaign_id as recovery_campaign_id
    from instants_with_next
    left join payments as next_orders
        on instants_with_next.next_order_id = next_orders.order_id

)

select * from final
