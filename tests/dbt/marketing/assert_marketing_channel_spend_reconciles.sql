-- Spend reconciles exactly: per channel and day the daily mart equals the
-- staged channel spend, no staged spend falls outside the mart, and the
-- weekly mart equals the daily mart per channel and week. Returns mismatches.
with

channel_spend as (
    select * from {{ ref('stg_marketing__channel_spend') }}
),

daily as (
    select * from {{ ref('fct_channel_performance_daily') }}
),

weekly as (
    select * from {{ ref('fct_channel_performance_weekly') }}
),

staged_daily as (
    select
        spend_date as date_day,
        channel,
        sum(spend_cny) as spend_cny
    from channel_spend
    group by spend_date, channel
),

daily_checks as (
    select
        'daily_vs_staging' as failure,
        cast(coalesce(daily.date_day, staged_daily.date_day) as {{ dbt.type_string() }}) as period,
        coalesce(daily.channel, staged_daily.channel) as channel,
        daily.spend_cny as mart_spend_cny,
        staged_daily.spend_cny as expected_spend_cny
    from daily
    full outer join staged_daily
        on daily.date_day = staged_daily.date_day and daily.channel = staged_daily.channel
    where
        daily.date_day is null
        or coalesce(staged_daily.spend_cny, 0) != daily.spend_cny
),

daily_by_week as (
    select
        iso_week_start_date,
        channel,
        sum(spend_cny) as spend_cny
    from daily
    group by iso_week_start_date, channel
),

weekly_checks as (
    select
        'weekly_vs_daily' as failure,
        cast(coalesce(weekly.iso_week_start_date, daily_by_week.iso_week_start_date) as {{ dbt.type_string() }})
            as period,
        coalesce(weekly.channel, daily_by_week.channel) as channel,
        weekly.spend_cny as mart_spend_cny,
        daily_by_week.spend_cny as expected_spend_cny
    from weekly
    full outer join daily_by_week
        on
            weekly.iso_week_start_date = daily_by_week.iso_week_start_date
            and weekly.channel = daily_by_week.channel
    where
        weekly.channel is null
        or daily_by_week.channel is null
        or weekly.spend_cny != daily_by_week.spend_cny
),

total_check as (
    select
        'total_vs_staging' as failure,
        'all days' as period,
        'all channels' as channel,
        (select sum(spend_cny) from daily) as mart_spend_cny,
        (select sum(spend_cny) from channel_spend) as expected_spend_cny
    where (select sum(spend_cny) from daily) != (select sum(spend_cny) from channel_spend)
),

final as (
    select
        failure,
        period,
        channel,
        mart_spend_cny,
        expected_spend_cny
    from daily_checks
    union all
    select
        failure,
        period,
        channel,
        mart_spend_cny,
        expected_spend_cny
    from weekly_checks
    union all
    select
        failure,
        period,
        channel,
        mart_spend_cny,
        expected_spend_cny
    from total_check
)

select * from final
