-- ROI is null, never infinite or zero-by-accident, where spend (or campaign
-- cost) is zero, and present wherever there is spend. Returns broken rows.
{%- set models = marketing_all_attribution_models() %}

with

daily as (
    select * from {{ ref('fct_channel_performance_daily') }}
),

weekly as (
    select * from {{ ref('fct_channel_performance_weekly') }}
),

campaigns as (
    select * from {{ ref('fct_campaign_performance') }}
),

daily_broken as (
    select
        'daily' as grain,
        cast(date_day as {{ dbt.type_string() }}) as period,
        channel as subject,
        spend_cny as cost_cny
    from daily
    where
        {%- for model in models %}
            (spend_cny = 0 and roi_{{ model }} is not null)
            or (spend_cny > 0 and roi_{{ model }} is null)
            {%- if not loop.last %} or{% endif %}
        {%- endfor %}
),

weekly_broken as (
    select
        'weekly' as grain,
        cast(iso_week_start_date as {{ dbt.type_string() }}) as period,
        channel as subject,
        spend_cny as cost_cny
    from weekly
    where
        (spend_cny = 0 and budget_roi is not null)
        or (spend_cny > 0 and budget_roi is null)
        {%- for model in models %}
            or (spend_cny = 0 and roi_{{ model }} is not null)
            or (spend_cny > 0 and roi_{{ model }} is null)
        {%- endfor %}
),

campaign_broken as (
    select
        'campaign' as grain,
        cast(start_date as {{ dbt.type_string() }}) as period,
        cast(campaign_id as {{ dbt.type_string() }}) as subject,
        actual_cost_cny as cost_cny
    from campaigns
    where
        (actual_cost_cny = 0 and roi is not null)
        or (actual_cost_cny > 0 and roi is null)
),

final as (
    select
        grain,
        period,
        subject,
        cost_cny
    from daily_broken
    union all
    select
        grain,
        period,
        subject,
        cost_cny
    from weekly_broken
    union all
    select
        grain,
        period,
        subject,
        cost_cny
    from campaign_broken
)

select * from final
