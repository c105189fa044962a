{#-
    One row per Asia/Shanghai day and channel: spend, traffic, acquisition,
    CAC, credited orders / GMV / ROI under each attribution model, UV value,
    conversion and the 30-day repurchase of the customers the channel
    acquired. Definitions in _marketing__models.yml.
-#}
{%- set models = marketing_all_attribution_models() -%}
{%- set default_model = var('marketing_default_attribution_model') -%}
{%- set repurchase_days = var('marketing_repurchase_window_days') -%}
{%- if var('marketing_attribution_models') | sort != models | sort -%}
    {{ exceptions.raise_compiler_error(
        "fct_channel_performance_daily needs every attribution model in var marketing_attribution_models: "
        ~ models | join(', ')
    ) }}
{%- endif -%}
{%- if default_model not in models -%}
    {{ exceptions.raise_compiler_error(
        "var marketing_default_attribution_model must be one of " ~ models | join(', ')
    ) }}
{%- endif %}

with

calendar as (
    select * from {{ ref('dim_date') }}
),

channel_spend as (
    select * from {{ ref('stg_marketing__channel_spend') }}
),

touches as (
    select * from {{ ref('int_marketing_touches') }}
),

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

daily_spend as (
    select
        spend_date as date_day,
        channel,
        sum(spend_cny) as spend_cny
    from channel_spend
    group by spend_date, channel
),

session_visits as (
    select distinct
        touch_date as date_day,
        channel,
        user_id
    from touches
    where touch_type = 'session'
),

paid_user_days as (
    select distinct
        paid_date as date_day,
        user_id
    from orders
    where is_paid
),

daily_visitors as (
    select
        session_visits.date_day,
        session_visits.channel,
        count(*) as unique_visitors,
        count(paid_user_days.user_id) as paying_visitors
    from session_visits
    left join paid_user_days
        on
            session_visits.user_id = paid_user_days.user_id
            and session_visits.date_day = paid_user_days.date_day
    group by session_visits.date_day, session_visits.channel
),

daily_registrations as (
    select
        registered_date as date_day,
        coalesce(acquisition_channel, 'direct') as channel,
        count(*) as new_registered_users
    from users
    group by registered_date, coalesce(acquisition_channel, 'direct')
),

second_paid_orders as (
    select
        user_id,
        paid_date as second_paid_date
    from orders
    where paid_order_sequence = 2
),

new_customers as (
    select
        users.user_id,
        users.first_paid_order_date as date_day,
        coalesce(users.acquisition_channel, 'direct') as channel,
        cast({{ dbt.dateadd('day', repurchase_days, 'users.first_paid_order_date') }} as date)
        <= {{ last_data_date() }} as is_matured,
        coalesce(
            second_paid_orders.second_paid_date
            <= cast({{ dbt.dateadd('day', repurchase_days, 'users.first_paid_order_date') }} as date),
            false
        ) as has_repurchased
    from users
    left join second_paid_orders
        on users.user_id = second_paid_orders.user_id
    where users.first_paid_order_date is not null
),

daily_new_customers as (
    select
        date_day,
        channel,
        count(*) as new_paying_customers,
        sum(case when is_matured then 1 else 0 end) as new_customers_matured_30d,
        sum(case when is_matured and has_repurchased then 1 else 0 end) as repurchased_30d_customers
    from new_customers
    group by date_day, channel
),

daily_credit as (
    select
        paid_date as date_day,
        {%- for model in models %}
            sum(case when attribution_model = '{{ model }}' then credit_share else 0 end)
                as credited_orders_{{ model }},
            sum(case when attribution_model = '{{ model }}' then credited_gmv_cny else 0 end)
                as credited_gmv_{{ model }}_cny,
        {%- endfor %}
        channel
    from attribution
    group by paid_date, channel
),

channels as (
    select channel from daily_spend
    union
    select channel from session_visits
    union
    select channel from daily_registrations
    union
    select channel from daily_credit
),

date_bounds as (
    select
        min(date_day) as first_day,
        max(date_day) as last_day
    from (
        select date_day from daily_spend
        union all
        select date_day from session_visits
        union all
        select date_day from daily_registrations
        union all
        select date_day from daily_credit
    ) as active_days
),

spine as (
    select
        calendar.date_day,
        calendar.iso_week_start_date,
        channels.channel
    from calendar
    inner join date_bounds
        on calendar.date_day between date_bounds.first_day and date_bounds.last_day
    cross join channels
),

joined as (
    select
        spine.date_day,
        spine.iso_week_start_date,
        spine.channel,
        coalesce(daily_spend.spend_cny, 0) as spend_cny,
        coalesce(daily_visitors.unique_visitors, 0) as unique_visitors,
        coalesce(daily_visitors.paying_visitors, 0) as paying_visitors,
        coalesce(daily_registrations.new_registered_users, 0) as new_registered_users,
        coalesce(daily_new_customers.new_paying_customers, 0) as new_paying_customers,
        {%- for model in models %}
            coalesce(daily_credit.credited_orders_{{ model }}, 0) as credited_orders_{{ model }},
            coalesce(daily_credit.credited_gmv_{{ model }}_cny, 0) as credited_gmv_{{ model }}_cny,
        {%- endfor %}
        coalesce(daily_new_customers.new_customers_matured_30d, 0) as new_customers_matured_30d,
        coalesce(daily_new_customers.repurchased_30d_customers, 0) as repurchased_30d_customers
    from spine
    left join daily_spend
        on spine.date_day = daily_spend.date_day and spine.channel = daily_spend.channel
    left join daily_visitors
        on spine.date_day = daily_visitors.date_day and spine.channel = daily_visitors.channel
    left join daily_registrations
        on spine.date_day = daily_registrations.date_day and spine.channel = daily_registrations.channel
    left join daily_new_customers
        on spine.date_day = daily_new_customers.date_day and spine.channel = daily_new_customers.channel
    left join daily_credit
        on spine.date_day = daily_credit.date_day and spine.channel = daily_credit.channel
),

final as (
    select
        date_day,
        iso_week_start_date,
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
            as repurchase_rate_30d
    from joined
)

select * from final
