-- Cumulative paid GMV and paid orders never decrease with month_number;
-- cumulative net GMV decreases only in a month with refunds; month numbers
-- run 0, 1, 2, ... without a hole.

with

member_ltv as (

    select * from {{ ref('fct_member_ltv') }}

),

with_previous as (

    select
        user_id,
        month_number,
        refunded_cny,
        cumulative_paid_orders,
        cumulative_paid_gmv_cny,
        cumulative_net_gmv_cny,
        lag(month_number) over customer_months as previous_month_number,
        lag(cumulative_paid_orders) over customer_months as previous_paid_orders,
        lag(cumulative_paid_gmv_cny) over customer_months as previous_paid_gmv_cny,
        lag(cumulative_net_gmv_cny) over customer_months as previous_net_gmv_cny
    from member_ltv
    window customer_months as (partition by user_id order by month_number)

)

select * from with_previous
where
    (previous_month_number is null and month_number != 0)
    or previous_month_number != month_number - 1
    or cumulative_paid_orders < previous_paid_orders
    or cumulative_paid_gmv_cny < previous_paid_gmv_cny
    or (cumulative_net_gmv_cny < previous_net_gmv_cny and refunded_cny = 0)
