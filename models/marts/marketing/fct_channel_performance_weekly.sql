{#-
    One row per ISO week (Monday to Sunday, Asia/Shanghai) and channel: the
    daily mart's additive columns summed, visitors counted distinct over the
    week, the ratios recomputed, and the weekly budget rule.
-#}
{%- set models = marketing_all_attribution_models() -%}
{%- set default_model = var('marketing_default_attribution_model') -%}
{%- set consecutive_weeks = var('marketing_budget_consecutive_weeks') | int -%}

with

daily as (
    select * from {{ ref('fct_channel_performance_daily') }}
),

calendar as (
    select * from {{ ref('dim_date') }}
),

touches as (
    select * from {{ ref('int_marketing_touches') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

daily_weeks as (
    select
        daily.iso_week_start_date,
        daily.channel,
        count(*) as days_in_data,
        min(calendar.iso_year) as iso_year,
        min(calendar.iso_week) as iso_week,
        sum(daily.spend_cny) as spend_cny,
        sum(daily.new_registered_users) as new_registered_users,
        sum(daily.new_paying_customers) as new_paying_customers,
        {%- for model in models %}
            sum(daily.credited_orders_{{ model }}) as credited_orders_{{ model }},
            sum(daily.credited_gmv_{{ model }}_cny) as credited_gmv_{{ model }}_cny,
        {%- endfor %}
        sum(daily.new_customers_matured_30d) as new_customers_matured_30d,
        sum(daily.repurchased_30d_customers) as repurchased_30d_customers
    from daily
    inner join calendar
        on daily.date_day = calendar.date_day
    group by daily.iso_week_start_date, daily.channel
),

-- Visitors are counted once a week, not summed over days.
session_visits as (
    select distinct
        calendar.iso_week_start_date,
        touches.channel,
        touches.user_id
    from touches
    inner join calendar
        on touches.touch_date = calendar.date_day
    where touches.touch_type = 'session'
),

paid_user_weeks as (
    select distinct
        calendar.iso_week_start_date,
        orders.user_id
    from orders
    inner join calendar
        on orders.paid_date = calendar.date_day
    where orders.is_paid
),

weekly_visitors as (
    select
        session_visits.iso_week_start_date,
        session_visits.channel,
        count(*) as unique_visitors,
        count(paid_user_weeks.user_id) as paying_visitors
    from session_visits
    left join paid_user_weeks
        on
            session_visits.user_id = paid_user_weeks.user_id
            and session_visits.iso_week_start_date = paid_user_weeks.iso_week_start_date
    group by session_visits.iso_week_start_date, session_visits.channel
),

weekly as (
    select
        daily_weeks.iso_week_start_date,
        daily_weeks.channel,
        daily_weeks.iso_year,
        daily_weeks.iso_week,
        daily_weeks.days_in_data,
        daily_weeks.spend_cny,
        coalesce(weekly_visitors.unique_visitors, 0) as unique_visitors,
        coalesce(weekly_visitors.paying_visitors, 0) as paying_visitors,
        daily_weeks.new_registered_users,
        daily_weeks.new_paying_customers,
        {%- for model in models %}
            daily_weeks.credited_orders_{{ model }},
            daily_weeks.credited_gmv_{{ model }}_cny,
        {%- endfor %}
        daily_weeks.new_customers_matured_30d,
        daily_weeks.repurchased_30d_customers
    from daily_weeks
    left join weekly_visitors
        on
            daily_weeks.iso_week_start_date = weekly_visitors.iso_week_start_date
            and daily_weeks.channel = weekly_visitors.channel
),

with_ratios as (
    select
        iso_week_start_date,
        cast({{ dbt.dateadd('day', 6, 'iso_week_start_date') }} as date) as iso_week_end_date,
        cast(iso_year as integer) as iso_year,
        cast(iso_week as integer) as iso_week,
        days_in_data,
        days_in_data = 7 as is_complete_week,
        channel,
        cast(spend_cny as decimal(18, 2)) as spend_cny,
        cast(unique_visitors as bigint) as unique_visitors,
        cast(paying_visitors as bigint) as paying_visitors,
        {{ marketing_ratio('paying_visitors', 'unique_visitors', 4) }} as visit_to_pay_conversion,
        cast(new_registered_users as bigint) as new_registered_users,
        cast(new_paying_customers as bigint) as new_paying_customers,
        {{ money_divide('spend_cny', 'new_registered_users') }} as cac_per_registration_cny,
        {{ money_divide('spend_cny', 'new_paying_customers') }} as cac_per_paying_customer_cny,
        {%- for model in models %}
            cast(credited_orders_{{ model }} as decimal(18, 8)) as credited_orders_{{ model }},
            cast(credited_gmv_{{ model }}_cny as decimal(18, 2)) as credited_gmv_{{ model }}_cny,
            {{ marketing_ratio('credited_gmv_' ~ model ~ '_cny', 'spend_cny', 4) }} as roi_{{ model }},
        {%- endfor %}
        {{ money_divide('credited_gmv_' ~ default_model ~ '_cny', 'unique_visitors') }} as uv_value_cny,
        cast(new_customers_matured_30d as bigint) as new_customers_matured_30d,
        cast(repurchased_30d_customers as bigint) as repurchased_30d_customers,
        {{ marketing_ratio('repurchased_30d_customers', 'new_customers_matured_30d', 4) }}
            as repurchase_rate_30d,
        '{{ default_model }}' as budget_attribution_model,
        {{ marketing_ratio('credited_gmv_' ~ default_model ~ '_cny', 'spend_cny', 4) }} as budget_roi
    from weekly
),

-- The weekly series is dense (one row per channel and week), so the last N
-- rows are the last N calendar weeks.
budget_windows as (
    select
        *,
        lag(budget_roi) over (
            partition by channel order by iso_week_start_date
        ) as previous_week_budget_roi,
        count(budget_roi) over (
            partition by channel order by iso_week_start_date
            rows between {{ consecutive_weeks - 1 }} preceding and current row
        ) as weeks_with_roi,
        max(budget_roi) over (
            partition by channel order by iso_week_start_date
            rows between {{ consecutive_weeks - 1 }} preceding and current row
        ) as highest_roi_in_window,
        min(budget_roi) over (
            partition by channel order by iso_week_start_date
            rows between {{ consecutive_weeks - 1 }} preceding and current row
        ) as lowest_roi_in_window
    from with_ratios
),

final as (
    select
        iso_week_start_date,
        iso_week_end_date,
        iso_year,
        iso_week,
        cast(days_in_data as integer) as days_in_data,
        is_complete_week,
        channel,
        spend_cny,
        unique_visitors,
        paying_visitors,
        visit_to_pay_conversion,
        new_registered_users,
        new_paying_customers,
        cac_per_registration_cny,
        cac_per_paying_customer_cny,
        {%- for model in models %}
            credited_orders_{{ model }},
            credited_gmv_{{ model }}_cny,
            roi_{{ model }},
        {%- endfor %}
        uv_value_cny,
        new_customers_matured_30d,
        repurchased_30d_customers,
        repurchase_rate_30d,
        budget_attribution_model,
        budget_roi,
        previous_week_budget_roi,
        case
            when
                weeks_with_roi = {{ consecutive_weeks }}
                and highest_roi_in_window < {{ var('marketing_budget_cut_roi_below') }}
                then 'cut_20pct'
            when
                weeks_with_roi = {{ consecutive_weeks }}
                and lowest_roi_in_window > {{ var('marketing_budget_raise_roi_above') }}
                then 'raise'
            else 'hold'
        end as budget_action
    from budget_windows
)

select * from final
