{#-
    Returns and after-sales (退货 / 售后) per Asia/Shanghai day and carrier:
    deliveries of the day, returns requested that day (by reason), refunds
    and the share of returned orders whose parcel was late. One row per day
    and carrier with a delivery or a return request. Definitions are in
    _logistics__models.yml.
-#}
with

orders as (

    select
        delivered_date,
        carrier
    from {{ ref('int_logistics_orders') }}
    where is_delivered

),

returns as (

    select
        requested_date,
        carrier,
        return_reason,
        refund_amount_cny,
        is_order_delivered_late,
        is_first_return_of_order
    from {{ ref('int_logistics_returns') }}

),

deliveries as (

    select
        delivered_date as date_day,
        carrier,
        count(*) as delivered_orders
    from orders
    group by delivered_date, carrier

),

requests as (

    select
        requested_date as date_day,
        carrier,
        count(*) as returns,
        count(case when is_first_return_of_order then 1 end) as returned_orders,
        count(case when is_first_return_of_order and is_order_delivered_late then 1 end)
            as returned_orders_delivered_late,
        sum(refund_amount_cny) as refunded_amount_cny,
        count(case when return_reason = 'late_delivery' then 1 end) as returns_late_delivery,
        count(case when return_reason = 'quality' then 1 end) as returns_quality,
        count(case when return_reason = 'wrong_size_shade' then 1 end) as returns_wrong_size_shade,
        count(case when return_reason = 'not_as_described' then 1 end) as returns_not_as_described,
        count(case when return_reason = 'changed_mind' then 1 end) as returns_changed_mind,
        count(
            case
                when
                    return_reason is null
                    or return_reason not in (
                        'late_delivery', 'quality', 'wrong_size_shade', 'not_as_described', 'changed_mind'
                    )
                    then 1
            end
        ) as returns_unknown_reason
    from returns
    group by requested_date, carrier

),

keys as (

    select
        date_day,
        carrier
    from deliveries
    union
    select
        date_day,
        carrier
    from requests

),

final as (

    select
        cast(keys.date_day as date) as date_day,
        cast(keys.carrier as {{ dbt.type_string() }}) as carrier,
        cast(coalesce(deliveries.delivered_orders, 0) as bigint) as delivered_orders,
        cast(coalesce(requests.returned_orders, 0) as bigint) as returned_orders,
        cast(coalesce(requests.returns, 0) as bigint) as returns,
        cast(coalesce(requests.refunded_amount_cny, 0) as decimal(18, 2)) as refunded_amount_cny,
        cast(coalesce(requests.returns_late_delivery, 0) as bigint) as returns_late_delivery,
        cast(coalesce(requests.returns_quality, 0) as bigint) as returns_quality,
        cast(coalesce(requests.returns_wrong_size_shade, 0) as bigint) as returns_wrong_size_shade,
        cast(coalesce(requests.returns_not_as_described, 0) as bigint) as returns_not_as_described,
        cast(coalesce(requests.returns_changed_mind, 0) as bigint) as returns_changed_mind,
        cast(coalesce(requests.returns_unknown_reason, 0) as bigint) as returns_unknown_reason,
        cast(coalesce(requests.returned_orders_delivered_late, 0) as bigint) as returned_orders_delivered_late
    from keys
    left join deliveries
        on keys.date_day = deliveries.date_day and keys.carrier = deliveries.carrier
    left join requests
        on keys.date_day = requests.date_day and keys.carrier = requests.carrier

),

rates as (

    select
        *,
        cast({{ safe_rate('returned_orders', 'delivered_orders') }} as double) as return_rate,
        cast({{ safe_rate('returned_orders_delivered_late', 'returned_orders') }} as double)
            as late_delivery_share_of_returns
    from final

)

select * from rates
