{#-
    Churn node 2, carted_not_ordered (加购未下单): one episode per cart
    spell. A spell starts with an add_to_cart event while the user has no
    open spell, gathers every later add_to_cart before the user's next order,
    and is recovered by that order (placed at or after the spell's carts,
    paid or not). All carts that share the same next order (or share having
    none) are one spell, so adding five items before one order is one
    episode, not five.
-#}
with

events as (

    select
        event_id,
        user_id,
        event_type,
        event_at
    from {{ ref('stg_tracking__events') }}

),

orders as (

    select
        order_id,
        user_id,
        campaign_id,
        placed_at
    from {{ ref('stg_shop__orders') }}

),

carts as (

    select
        event_id,
        user_id,
        event_at
    from events
    where event_type = 'add_to_cart'

),

carts_with_later_orders as (

    select
        carts.event_id,
        carts.user_id,
        carts.event_at,
        orders.order_id,
        orders.campaign_id,
        orders.placed_at,
        row_number() over (
            partition by carts.event_id
            order by orders.placed_at, orders.order_id
        ) as order_rank
    from carts
    left join orders
        on
            carts.user_id = orders.user_id
            and carts.event_at <= orders.placed_at

),

carts_next_order as (

    select
        event_id,
        user_id,
        event_at,
        order_id as next_order_id,
        campaign_id as next_order_campaign_id,
        placed_at as next_order_placed_at,
        row_number() over (
            partition by user_id, order_id
            order by event_at, event_id
        ) as cart_rank_in_spell
    from carts_with_later_orders
    where order_rank = 1

),

final as (

    select
        user_id,
        'carted_not_ordered' as node,
        event_at as entered_at,
        'add_to_cart_event' as entry_reference_type,
        event_id as entry_reference_id,
        next_order_placed_at as recovered_at,
        case when next_order_id is not null then 'order_placed' end as recovery_reference_type,
        next_order_id as recovery_reference_id,
        next_order_campaign_id as recovery_campaign_id
    from carts_next_order
    where cart_rank_in_spell = 1

)

select * from final
