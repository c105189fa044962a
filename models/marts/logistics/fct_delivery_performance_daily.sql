{#-
    Delivery performance (物流时效) per Asia/Shanghai day of shipment,
    carrier and buyer city: one row per combination with at least one
    shipped order. Definitions are in _logistics__models.yml; the order-level
    flags come from int_logistics_orders (fct_orders' definitions).
-#}
with

orders as (

    select
        shipped_date,
        carrier,
        city,
        is_delivered,
        is_delivered_within_72h,
        is_late_delivery,
        is_overdue_undelivered,
        is_late_against_promise,
        is_promise_judged,
        is_returned,
        hours_paid_to_delivered
    from {{ ref('int_logistics_orders') }}
    where is_shipped

),

aggregated as (

    select
        shipped_date,
        carrier,
        city,
        count(*) as orders_shipped,
        count(case when is_delivered then 1 end) as orders_delivered,
        count(case when is_delivered_within_72h then 1 end) as orders_delivered_within_72h,
        count(case when is_late_delivery then 1 end) as orders_delivered_late,
        count(case when is_overdue_undelivered then 1 end) as orders_overdue_undelivered,
        count(case when is_late_against_promise then 1 end) as orders_late_against_promise,
        count(case when is_promise_judged then 1 end) as orders_promise_judged,
        count(case when is_delivered and is_returned then 1 end) as delivered_orders_returned,
        count(hours_paid_to_delivered) as orders_with_delivery_hours,
        sum(hours_paid_to_delivered) as total_hours_paid_to_delivered,
        {{ percentile_cont('hours_paid_to_delivered', 0.5) }} as median_hours_paid_to_delivered,
        {{ percentile_cont('hours_paid_to_delivered', 0.9) }} as p90_hours_paid_to_delivered
    from orders
    group by shipped_date, carrier, city

),

final as (

    select
        cast(shipped_date as date) as shipped_date,
        cast(carrier as {{ dbt.type_string() }}) as carrier,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(orders_shipped as bigint) as orders_shipped,
        cast(orders_delivered as bigint) as orders_delivered,
        cast(orders_delivered_within_72h as bigint) as orders_delivered_within_72h,
        cast(orders_delivered_late as bigint) as orders_delivered_late,
        cast(orders_overdue_undelivered as bigint) as orders_overdue_undelivered,
        cast(orders_late_against_promise as bigint) as orders_late_against_promise,
        cast(orders_promise_judged as bigint) as orders_promise_judged,
        cast(delivered_orders_returned as bigint) as delivered_orders_returned,
        cast(orders_with_delivery_hours as bigint) as orders_with_delivery_hours,
        cast(total_hours_paid_to_delivered as double) as total_hours_paid_to_delivered,
        cast({{ safe_rate('orders_delivered_within_72h', 'orders_delivered') }} as double)
            as delivered_within_72h_rate,
        cast({{ safe_rate('orders_late_against_promise', 'orders_promise_judged') }} as double)
            as late_delivery_rate,
        cast(median_hours_paid_to_delivered as double) as median_hours_paid_to_delivered,
        cast(p90_hours_paid_to_delivered as double) as p90_hours_paid_to_delivered
    from aggregated

)

select * from final
