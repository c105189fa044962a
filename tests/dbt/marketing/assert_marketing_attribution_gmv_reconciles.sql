-- Credited GMV is exact: per order and model it sums to the order's GMV, no
-- credit is negative, every paid order is credited under every model, and
-- each model's credited GMV sums to the total paid GMV of fct_orders
-- (overall and per paid day). Returns one row per broken check.
{%- set models = var('marketing_attribution_models') %}

with

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

paid_orders as (
    select
        order_id,
        paid_date,
        paid_gmv_cny
    from orders
    where is_paid
),

models as (
    {%- for model in models %}
        select '{{ model }}' as attribution_model
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

per_order as (
    select
        order_id,
        attribution_model,
        min(order_gmv_cny) as order_gmv_cny,
        sum(credited_gmv_cny) as credited_gmv_cny,
        min(credited_gmv_cny) as lowest_credit
    from attribution
    group by order_id, attribution_model
),

order_checks as (
    select
        'order_gmv_mismatch' as failure,
        cast(per_order.order_id as {{ dbt.type_string() }}) as subject,
        per_order.attribution_model,
        per_order.credited_gmv_cny,
        paid_orders.paid_gmv_cny as expected_gmv_cny
    from per_order
    left join paid_orders
        on per_order.order_id = paid_orders.order_id
    where
        paid_orders.order_id is null
        or per_order.credited_gmv_cny != paid_orders.paid_gmv_cny
        or per_order.order_gmv_cny != paid_orders.paid_gmv_cny
        or per_order.lowest_credit < 0
),

missing_orders as (
    select
        'order_not_credited' as failure,
        cast(paid_orders.order_id as {{ dbt.type_string() }}) as subject,
        models.attribution_model,
        cast(null as decimal(18, 2)) as credited_gmv_cny,
        paid_orders.paid_gmv_cny as expected_gmv_cny
    from paid_orders
    cross join models
    left join per_order
        on
            paid_orders.order_id = per_order.order_id
            and models.attribution_model = per_order.attribution_model
    where per_order.order_id is null
),

daily_paid as (
    select
        paid_date,
        sum(paid_gmv_cny) as paid_gmv_cny
    from paid_orders
    group by paid_date
),

daily_credited as (
    select
        paid_date,
        attribution_model,
        sum(credited_gmv_cny) as credited_gmv_cny
    from attribution
    group by paid_date, attribution_model
),

day_checks as (
    select
        'daily_total_mismatch' as failure,
        cast(coalesce(daily_paid.paid_date, daily_credited.paid_date) as {{ dbt.type_string() }}) as subject,
        coalesce(models.attribution_model, daily_credited.attribution_model) as attribution_model,
        daily_credited.credited_gmv_cny,
        daily_paid.paid_gmv_cny as expected_gmv_cny
    from daily_paid
    cross join models
    full outer join daily_credited
        on
            daily_paid.paid_date = daily_credited.paid_date
            and models.attribution_model = daily_credited.attribution_model
    where
        daily_credited.credited_gmv_cny is null
        or daily_paid.paid_gmv_cny is null
        or daily_credited.credited_gmv_cny != daily_paid.paid_gmv_cny
),

model_totals as (
    select
        attribution_model,
        sum(credited_gmv_cny) as credited_gmv_cny
    from attribution
    group by attribution_model
),

total_checks as (
    select
        'model_total_mismatch' as failure,
        'all paid orders' as subject,
        models.attribution_model,
        model_totals.credited_gmv_cny,
        (select sum(paid_orders.paid_gmv_cny) from paid_orders) as expected_gmv_cny
    from models
    left join model_totals
        on models.attribution_model = model_totals.attribution_model
    where
        model_totals.credited_gmv_cny is null
        or model_totals.credited_gmv_cny != (select sum(paid_orders.paid_gmv_cny) from paid_orders)
),

final as (
    select
        failure,
        subject,
        attribution_model,
        credited_gmv_cny,
        expected_gmv_cny
    from order_checks
    union all
    select
        failure,
        subject,
        attribution_model,
        credited_gmv_cny,
        expected_gmv_cny
    from missing_orders
    union all
    select
        failure,
        subject,
        attribution_model,
        credited_gmv_cny,
        expected_gmv_cny
    from day_checks
    union all
    select
        failure,
        subject,
        attribution_model,
        credited_gmv_cny,
        expected_gmv_cny
    from total_checks
)

select * from final
