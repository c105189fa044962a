-- In the daily and weekly channel marts, each attribution model's credited
-- GMV over all channels equals the paid GMV of the period (fct_orders, by
-- paid day / ISO week), and credited orders sum to the paid orders. Returns
-- mismatches.
{%- set models = marketing_all_attribution_models() %}

with

orders as (
    select * from {{ ref('fct_orders') }}
),

calendar as (
    select * from {{ ref('dim_date') }}
),

daily as (
    select * from {{ ref('fct_channel_performance_daily') }}
),

weekly as (
    select * from {{ ref('fct_channel_performance_weekly') }}
),

paid_by_week as (
    select
        calendar.iso_week_start_date,
        count(*) as paid_orders,
        sum(orders.paid_gmv_cny) as paid_gmv_cny
    from orders
    inner join calendar
        on orders.paid_date = calendar.date_day
    where orders.is_paid
    group by calendar.iso_week_start_date
),

daily_by_week as (
    select
        {%- for model in models %}
            sum(credited_orders_{{ model }}) as credited_orders_{{ model }},
            sum(credited_gmv_{{ model }}_cny) as credited_gmv_{{ model }}_cny,
        {%- endfor %}
        iso_week_start_date
    from daily
    group by iso_week_start_date
),

weekly_totals as (
    select
        {%- for model in models %}
            sum(credited_orders_{{ model }}) as credited_orders_{{ model }},
            sum(credited_gmv_{{ model }}_cny) as credited_gmv_{{ model }}_cny,
        {%- endfor %}
        iso_week_start_date
    from weekly
    group by iso_week_start_date
),

final as (
    {%- for source_name in ['daily_by_week', 'weekly_totals'] %}
        {%- set outer_loop = loop %}
        {%- for model in models %}
            select
                '{{ source_name }}' as mart,
                '{{ model }}' as attribution_model,
                coalesce(paid_by_week.iso_week_start_date, {{ source_name }}.iso_week_start_date)
                    as iso_week_start_date,
                {{ source_name }}.credited_gmv_{{ model }}_cny as credited_gmv_cny,
                paid_by_week.paid_gmv_cny as expected_gmv_cny
            from paid_by_week
            full outer join {{ source_name }}
                on paid_by_week.iso_week_start_date = {{ source_name }}.iso_week_start_date
            where
                coalesce({{ source_name }}.credited_gmv_{{ model }}_cny, 0) != coalesce(paid_by_week.paid_gmv_cny, 0)
                or coalesce({{ source_name }}.credited_orders_{{ model }}, 0) != coalesce(paid_by_week.paid_orders, 0)
            {%- if not (outer_loop.last and loop.last) %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- endfor %}
)

select * from final
