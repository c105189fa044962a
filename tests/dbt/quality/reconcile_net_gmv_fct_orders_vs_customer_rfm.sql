{#-
    Reconciliation, fct_orders -> fct_customer_rfm (net): the monetary value
    summed over every customer of fct_customer_rfm equals the net GMV
    (paid GMV - refunded amount) of the fct_orders rows paid on or before
    the RFM as-of day. Holds as stated when the as-of day is the data's last
    day (the default of var member_as_of_date), when every refund requested
    in the data is on or before it. Returns one row, with both figures, when
    they differ.
-#}
with

customer_rfm as (

    select
        as_of_date,
        monetary_cny
    from {{ ref('fct_customer_rfm') }}

),

fct_orders as (

    select
        paid_date,
        net_gmv_cny
    from {{ ref('fct_orders') }}
    where is_paid

),

rfm_total as (

    select
        max(as_of_date) as as_of_date,
        coalesce(sum(monetary_cny), 0) as monetary_cny
    from customer_rfm

),

orders_total as (

    select coalesce(sum(fct_orders.net_gmv_cny), 0) as net_gmv_cny
    from fct_orders
    inner join rfm_total
        on fct_orders.paid_date <= rfm_total.as_of_date

),

final as (

    select
        rfm_total.as_of_date,
        rfm_total.monetary_cny as rfm_monetary_cny,
        orders_total.net_gmv_cny as fct_orders_net_gmv_cny,
        rfm_total.monetary_cny - orders_total.net_gmv_cny as difference_cny
    from rfm_total
    cross join orders_total
    where rfm_total.monetary_cny != orders_total.net_gmv_cny

)

select * from final
