-- Which channels should lose budget this week? The channels whose weekly ROI
-- (default attribution model, last touch) stayed below 4 for the latest
-- complete ISO week and the week before: budget_action = 'cut_20pct'.
-- The same query, on the built warehouse, is in README.md / docs/marketing.md.
with

weekly as (
    select * from {{ ref('fct_channel_performance_weekly') }}
),

this_week as (
    select max(iso_week_start_date) as iso_week_start_date
    from weekly
    where is_complete_week
),

final as (
    select
        weekly.iso_week_start_date,
        weekly.channel,
        weekly.spend_cny,
        weekly.budget_attribution_model,
        weekly.budget_roi,
        weekly.previous_week_budget_roi,
        weekly.budget_action
    from weekly
    inner join this_week
        on weekly.iso_week_start_date = this_week.iso_week_start_date
    where weekly.budget_action = 'cut_20pct'
)

select * from final
order by budget_roi
