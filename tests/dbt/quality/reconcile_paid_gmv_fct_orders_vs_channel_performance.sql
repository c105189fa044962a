{#-
    Reconciliation, fct_orders -> channel marts (gross): for every attribution
    model (the five of macro marketing_all_attribution_models), the credited GMV summed over
    every day and channel of fct_channel_performance_daily equals the paid
    GMV of fct_orders, to the cent (an order with no touch is credited to
    direct, so nothing is lost). Returns one row per model that differs.
-#}
with

fct_orders as (

    select paid_gmv_cny
    from {{ ref('fct_orders') }}

),

channel_performance as (

    select * from {{ ref('fct_channel_performance_daily') }}

),

orders_total as (

    select coalesce(sum(paid_gmv_cny), 0) as paid_gmv_cny
    from fct_orders

),

credited_by_model as (

    {% for model_name in marketing_all_attribution_models() %}
        select
            '{{ model_name }}' as attribution_model,
            coalesce(sum(credited_gmv_{{ model_name }}_cny), 0) as credited_gmv_cny
        from channel_performance
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        credited_by_model.attribution_model,
        credited_by_model.credited_gmv_cny,
        orders_total.paid_gmv_cny as fct_orders_paid_gmv_cny,
        credited_by_model.credited_gmv_cny - orders_total.paid_gmv_cny as difference_cny
    from credited_by_model
    cross join orders_total
    where credited_by_model.credited_gmv_cny != orders_total.paid_gmv_cny

)

select * from final
