-- Money reconciles: the refunds of fct_returns_daily sum to
-- fct_orders.refunded_amount_cny exactly, its returned orders equal the
-- orders fct_orders marks is_returned, and its deliveries equal the
-- delivered orders of fct_orders. Returns one row per mismatch.
with

returns_daily as (
    select
        sum(refunded_amount_cny) as refunded_amount_cny,
        sum(returned_orders) as returned_orders,
        sum(delivered_orders) as delivered_orders
    from {{ ref('fct_returns_daily') }}
),

orders as (
    select
        sum(refunded_amount_cny) as refunded_amount_cny,
        count(case when is_returned then 1 end) as returned_orders,
        count(delivered_at) as delivered_orders
    from {{ ref('fct_orders') }}
),

final as (
    select
        'refunded_amount_cny' as failure,
        cast(coalesce(returns_daily.refunded_amount_cny, 0) as double) as mart_value,
        cast(coalesce(orders.refunded_amount_cny, 0) as double) as expected_value
    from returns_daily
    cross join orders
    where coalesce(returns_daily.refunded_amount_cny, 0) != coalesce(orders.refunded_amount_cny, 0)
    union all
    select
        'returned_orders' as failure,
        cast(coalesce(returns_daily.returned_orders, 0) as double) as mart_value,
        cast(orders.returned_orders as double) as expected_value
    from returns_daily
    cross join orders
    where coalesce(returns_daily.returned_orders, 0) != orders.returned_orders
    union all
    select
        'delivered_orders' as failure,
        cast(coalesce(returns_daily.delivered_orders, 0) as double) as mart_value,
        cast(orders.delivered_orders as double) as expected_value
    from returns_daily
    cross join orders
    where coalesce(returns_daily.delivered_orders, 0) != orders.delivered_orders
)

select * from final
