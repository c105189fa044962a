-- Predictive CLV per customer as of the member as-of day: the BG/NBD inputs
-- (int_customer_clv_inputs) beside the model's scores
-- (int_customer_clv_scores, fitted in int_clv_parameters).

with

inputs as (

    select * from {{ ref('int_customer_clv_inputs') }}

),

scores as (

    select * from {{ ref('int_customer_clv_scores') }}

),

final as (

    select
        inputs.user_id,
        inputs.as_of_date,
        inputs.first_purchase_date,
        inputs.last_purchase_date,
        inputs.paid_orders,
        inputs.purchase_days,
        inputs.repeat_purchase_days,
        inputs.recency_days,
        inputs.age_days,
        inputs.repeat_purchase_value_cny,
        inputs.mean_repeat_purchase_value_cny,
        cast(scores.probability_alive as decimal(9, 6)) as probability_alive,
        cast(scores.expected_purchases_90d as decimal(12, 6)) as expected_purchases_90d,
        cast(scores.expected_purchases_365d as decimal(12, 6)) as expected_purchases_365d,
        cast(scores.expected_purchase_value_cny as decimal(18, 2)) as expected_purchase_value_cny,
        cast(scores.clv_12m_cny as decimal(18, 2)) as clv_12m_cny
    from inputs
    inner join scores
        on inputs.user_id = scores.user_id

)

select * from final
