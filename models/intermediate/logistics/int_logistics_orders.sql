{#-
    One row per order of fct_orders with its logistics and after-sales facts:
    the parcel's carrier and the buyer's city, the delivery flags of
    fct_orders (is_delivered_within_72h, is_late_delivery: read, not
    redefined), the promise judged against the end of the data, hours from
    payment to delivery, the first return, whether the buyer received a
    logistics notice while the parcel travelled, and the 30-day repurchase
    after delivery of churn node 4 (签收未复购). Rules are in
    _logistics__models.yml.
-#}
{%- set repurchase_window_days = 30 -%}
{%- if repurchase_window_days not in var('churn_received_not_repurchased_window_days', []) | map('int') | list -%}
    {{ exceptions.raise_compiler_error(
        "int_logistics_orders reads churn node received_not_repurchased_" ~ repurchase_window_days
        ~ "d: var churn_received_not_repurchased_window_days must contain " ~ repurchase_window_days
    ) }}
{%- endif -%}

with

orders as (

    select
        order_id,
        user_id,
        is_paid,
        paid_at,
        paid_date,
        paid_gmv_cny,
        refunded_amount_cny,
        shipped_at,
        delivered_at,
        delivered_date,
        promised_delivery_at,
        is_delivered_within_72h,
        is_late_delivery,
        is_returned
    from {{ ref('fct_orders') }}

),

users as (

    select
        user_id,
        city
    from {{ ref('dim_users') }}

),

shipments as (

    select
        shipment_id,
        order_id,
        carrier,
        shipped_at
    from {{ ref('stg_logistics__shipments') }}

),

returns as (

    select
        return_id,
        order_id,
        requested_at
    from {{ ref('stg_logistics__returns') }}

),

notices as (

    select
        user_id,
        sent_at
    from {{ ref('stg_crm__messages') }}
    where purpose = 'logistics_notice'

),

repurchases as (

    select
        entry_reference_id as order_id,
        is_deadline_passed,
        is_recovered_before_deadline
    from {{ ref('fct_churn_node_episodes') }}
    where node_code = 'received_not_repurchased_{{ repurchase_window_days }}d'

),

data_end as (

    select {{ churn_data_end_at() }} as data_end_at

),

-- the parcel fct_orders counts: first shipped, ties lowest shipment_id
-- (int_order_fulfilments_aggregated's rule)
ranked_shipments as (

    select
        order_id,
        carrier,
        row_number() over (
            partition by order_id
            order by shipped_at, shipment_id
        ) as shipment_rank
    from shipments

),

first_shipments as (

    select
        order_id,
        carrier
    from ranked_shipments
    where shipment_rank = 1

),

ranked_returns as (

    select
        order_id,
        requested_at,
        row_number() over (
            partition by order_id
            order by requested_at, return_id
        ) as return_rank
    from returns

),

first_returns as (

    select
        order_id,
        requested_at
    from ranked_returns
    where return_rank = 1

),

noticed_orders as (

    select distinct orders.order_id
    from orders
    cross join data_end
    inner join notices
        on
            orders.user_id = notices.user_id
            and orders.shipped_at <= notices.sent_at
            and coalesce(orders.delivered_at, data_end.data_end_at) >= notices.sent_at

),

final as (

    select
        orders.order_id,
        orders.user_id,
        coalesce(users.city, 'unknown') as city,
        case
            when orders.shipped_at is null then 'not_shipped'
            else coalesce(first_shipments.carrier, 'unknown')
        end as carrier,
        orders.is_paid,
        orders.paid_at,
        orders.paid_date,
        orders.paid_gmv_cny,
        orders.refunded_amount_cny,
        orders.shipped_at,
        {{ to_shanghai_date('orders.shipped_at') }} as shipped_date,
        orders.delivered_at,
        orders.delivered_date,
        orders.promised_delivery_at,
        orders.shipped_at is not null as is_shipped,
        orders.delivered_at is not null as is_delivered,
        orders.is_paid and orders.delivered_at is not null as is_delivered_paid,
        case
            when orders.delivered_at is not null and orders.paid_at is not null
                then {{ double_divide(dbt.datediff('orders.paid_at', 'orders.delivered_at', 'second'), '3600.0') }}
        end as hours_paid_to_delivered,
        orders.is_delivered_within_72h,
        orders.is_late_delivery,
        coalesce(
            orders.shipped_at is not null
            and orders.delivered_at is null
            and orders.promised_delivery_at < data_end.data_end_at,
            false
        ) as is_overdue_undelivered,
        orders.is_returned,
        first_returns.requested_at as first_return_requested_at,
        {{ to_shanghai_date('first_returns.requested_at') }} as first_return_requested_date,
        noticed_orders.order_id is not null as is_logistics_notice_received,
        repurchases.is_deadline_passed as is_repurchase_window_complete_30d,
        repurchases.is_recovered_before_deadline as is_repurchased_within_30d
    from orders
    cross join data_end
    left join users
        on orders.user_id = users.user_id
    left join first_shipments
        on orders.order_id = first_shipments.order_id
    left join first_returns
        on orders.order_id = first_returns.order_id
    left join noticed_orders
        on orders.order_id = noticed_orders.order_id
    left join repurchases
        on orders.order_id = repurchases.order_id

),

judged as (

    select
        *,
        coalesce(is_late_delivery, false) or is_overdue_undelivered as is_late_against_promise,
        is_late_delivery is not null or is_overdue_undelivered as is_promise_judged
    from final

)

select * from judged
