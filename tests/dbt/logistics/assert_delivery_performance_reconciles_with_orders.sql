-- One definition per metric: the delivery counts of
-- fct_delivery_performance_daily sum to fct_orders' own flags (shipped,
-- delivered, is_delivered_within_72h, is_late_delivery, is_returned among
-- delivered), so the mart cannot drift from the order-level definition.
-- Also every row's counts nest (delivered <= shipped, ...). Returns one row
-- per mismatch.
with

performance as (
    select * from {{ ref('fct_delivery_performance_daily') }}
),

mart_totals as (
    select
        coalesce(sum(orders_shipped), 0) as orders_shipped,
        coalesce(sum(orders_delivered), 0) as orders_delivered,
        coalesce(sum(orders_delivered_within_72h), 0) as orders_delivered_within_72h,
        coalesce(sum(orders_delivered_late), 0) as orders_delivered_late,
        coalesce(sum(delivered_orders_returned), 0) as delivered_orders_returned
    from performance
),

order_totals as (
    select
        count(shipped_at) as orders_shipped,
        count(case when shipped_at is not null and delivered_at is not null then 1 end) as orders_delivered,
        count(case when shipped_at is not null and is_delivered_within_72h then 1 end)
            as orders_delivered_within_72h,
        count(case when shipped_at is not null and is_late_delivery then 1 end) as orders_delivered_late,
        count(case when shipped_at is not null and delivered_at is not null and is_returned then 1 end)
            as delivered_orders_returned
    from {{ ref('fct_orders') }}
),

total_checks as (
    {% for column in ['orders_shipped', 'orders_delivered', 'orders_delivered_within_72h',
                      'orders_delivered_late', 'delivered_orders_returned'] %}
        select
            '{{ column }}' as failure,
            cast(null as date) as shipped_date,
            cast(mart_totals.{{ column }} as bigint) as mart_value,
            cast(order_totals.{{ column }} as bigint) as expected_value
        from mart_totals
        cross join order_totals
        where mart_totals.{{ column }} != order_totals.{{ column }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

nesting_checks as (
    select
        'counts_not_nested' as failure,
        shipped_date,
        orders_shipped as mart_value,
        orders_delivered as expected_value
    from performance
    where
        orders_delivered > orders_shipped
        or orders_delivered_within_72h > orders_delivered
        or orders_delivered_late > orders_delivered
        or orders_late_against_promise != orders_delivered_late + orders_overdue_undelivered
        or orders_late_against_promise > orders_promise_judged
        or orders_promise_judged > orders_shipped
        or median_hours_paid_to_delivered > p90_hours_paid_to_delivered
)

select * from total_checks
union all
select * from nesting_checks
