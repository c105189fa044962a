-- CLV outputs are in range and cover the same customers as RFM (same as-of
-- day): 0 <= P(alive) <= 1, 0 <= E[purchases 90d] <= E[purchases 365d],
-- value and CLV not negative, frequency matches RFM's purchase days.

with

clv as (

    select * from {{ ref('fct_customer_clv') }}

),

rfm as (

    select * from {{ ref('fct_customer_rfm') }}

),

out_of_range as (

    select
        user_id,
        'out_of_range' as problem
    from clv
    where
        probability_alive < 0 or probability_alive > 1
        or expected_purchases_90d < 0
        or expected_purchases_365d < expected_purchases_90d
        or expected_purchase_value_cny < 0
        or clv_12m_cny < 0
        or repeat_purchase_days != purchase_days - 1
        or recency_days > age_days
        or purchase_days > paid_orders

),

customer_mismatch as (

    select
        coalesce(clv.user_id, rfm.user_id) as user_id,
        'customer_sets_differ' as problem
    from clv
    full outer join rfm
        on clv.user_id = rfm.user_id
    where
        clv.user_id is null or rfm.user_id is null
        or clv.paid_orders != rfm.frequency
        or clv.last_purchase_date != rfm.last_paid_date

)

select
    user_id,
    problem
from out_of_range
union all
select
    user_id,
    problem
from customer_mismatch
