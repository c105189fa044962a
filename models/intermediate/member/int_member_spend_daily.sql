-- Cumulative paid spend net of refunds per user and Asia/Shanghai day, and
-- the tier it gives at the end of that day. A paid order counts on its paid
-- day, a refund on the day it was requested (never before the order's paid
-- day). Only days with a movement have a row.

with

orders as (

    select * from {{ ref('fct_orders') }}

),

returns as (

    select * from {{ ref('stg_logistics__returns') }}

),

paid_orders as (

    select
        user_id,
        paid_date as spend_date,
        paid_gmv_cny,
        cast(0 as decimal(18, 2)) as refunded_cny
    from orders
    where is_paid

),

refunds as (

    select
        orders.user_id,
        greatest(returns.requested_date, orders.paid_date) as spend_date,
        cast(0 as decimal(18, 2)) as paid_gmv_cny,
        returns.refund_amount_cny as refunded_cny
    from returns
    inner join orders
        on returns.order_id = orders.order_id
    where orders.is_paid

),

movements as (

    select
        user_id,
        spend_date,
        paid_gmv_cny,
        refunded_cny
    from paid_orders
    union all
    select
        user_id,
        spend_date,
        paid_gmv_cny,
        refunded_cny
    from refunds

),

daily as (

    select
        user_id,
        spend_date,
        cast(sum(paid_gmv_cny) as decimal(18, 2)) as paid_gmv_cny,
        cast(sum(refunded_cny) as decimal(18, 2)) as refunded_cny
    from movements
    group by user_id, spend_date

),

cumulative as (

    select
        user_id,
        spend_date,
        paid_gmv_cny,
        refunded_cny,
        cast(paid_gmv_cny - refunded_cny as decimal(18, 2)) as net_spend_change_cny,
        cast(sum(paid_gmv_cny) over (
            partition by user_id
            order by spend_date
            rows between unbounded preceding and current row
        ) as decimal(18, 2)) as cumulative_paid_gmv_cny,
        cast(sum(paid_gmv_cny - refunded_cny) over (
            partition by user_id
            order by spend_date
            rows between unbounded preceding and current row
        ) as decimal(18, 2)) as cumulative_net_spend_cny
    from daily

),

final as (

    select
        user_id,
        spend_date,
        paid_gmv_cny,
        refunded_cny,
        net_spend_change_cny,
        cumulative_paid_gmv_cny,
        cumulative_net_spend_cny,
        {{ member_tier_of_spend('cumulative_net_spend_cny') }} as tier_at_end_of_day
    from cumulative

)

select * from final
