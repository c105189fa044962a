-- RFM per customer as of the member as-of day (macro member_as_of_date):
-- inputs, 1-5 quintile scores, the named segment and the lifecycle stage.
-- Rules are documented in _member__models.yml (fct_customer_rfm).

with

users as (

    select * from {{ ref('dim_users') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

spend_daily as (

    select * from {{ ref('int_member_spend_daily') }}

),

as_of as (

    select {{ member_as_of_date() }} as as_of_date

),

paid_orders as (

    select
        orders.user_id,
        min(orders.paid_date) as first_paid_date,
        max(orders.paid_date) as last_paid_date,
        count(*) as frequency
    from orders
    cross join as_of
    where orders.is_paid and orders.paid_date <= as_of.as_of_date
    group by orders.user_id

),

net_spend as (

    -- refunds are dated on or after their order's paid day, so this is the
    -- paid GMV of the orders paid by the as-of day less their refunds so far
    select
        spend_daily.user_id,
        sum(spend_daily.net_spend_change_cny) as monetary_cny
    from spend_daily
    cross join as_of
    where spend_daily.spend_date <= as_of.as_of_date
    group by spend_daily.user_id

),

inputs as (

    select
        paid_orders.user_id,
        as_of.as_of_date,
        users.registered_date,
        paid_orders.first_paid_date,
        paid_orders.last_paid_date,
        {{ dbt.datediff('paid_orders.last_paid_date', 'as_of.as_of_date', 'day') }} as recency_days,
        paid_orders.frequency,
        cast(net_spend.monetary_cny as decimal(18, 2)) as monetary_cny
    from paid_orders
    cross join as_of
    inner join net_spend
        on paid_orders.user_id = net_spend.user_id
    left join users
        on paid_orders.user_id = users.user_id

),

scored as (

    -- score = 1 + floor(5 * share of customers strictly worse); ties share a score
    select
        user_id,
        as_of_date,
        registered_date,
        first_paid_date,
        last_paid_date,
        recency_days,
        frequency,
        monetary_cny,
        1 + cast(floor(5.0 * (rank() over (order by recency_days desc) - 1) / count(*) over ()) as integer)
            as r_score,
        1 + cast(floor(5.0 * (rank() over (order by frequency asc) - 1) / count(*) over ()) as integer)
            as f_score,
        1 + cast(floor(5.0 * (rank() over (order by monetary_cny asc) - 1) / count(*) over ()) as integer)
            as m_score
    from inputs

),

classified as (

    select
        user_id,
        as_of_date,
        registered_date,
        first_paid_date,
        last_paid_date,
        recency_days,
        frequency,
        monetary_cny,
        r_score,
        f_score,
        m_score,
        case
            when r_score >= 4 and f_score >= 4 and m_score >= 4 then 'core'
            when r_score >= 3 and (f_score >= 4 or m_score >= 4) then 'potential'
            when r_score >= 3 then 'new'
            when f_score >= 4 or m_score >= 4 then 'at_risk'
            when r_score = 2 then 'sleeping'
            else 'lost'
        end as rfm_segment,
        case
            when last_paid_date < cast({{ dbt.dateadd('month', -12, 'as_of_date') }} as date) then 'declining'
            when as_of_date < cast({{ dbt.dateadd('month', 1, 'registered_date') }} as date) then 'new'
            when as_of_date < cast({{ dbt.dateadd('month', 6, 'registered_date') }} as date) then 'growth'
            else 'mature'
        end as lifecycle_stage
    from scored

),

final as (

    select
        user_id,
        as_of_date,
        registered_date,
        first_paid_date,
        last_paid_date,
        recency_days,
        frequency,
        monetary_cny,
        r_score,
        f_score,
        m_score,
        cast(r_score as {{ dbt.type_string() }})
        || cast(f_score as {{ dbt.type_string() }})
        || cast(m_score as {{ dbt.type_string() }}) as rfm_cell,
        rfm_segment,
        lifecycle_stage
    from classified

)

select * from final
