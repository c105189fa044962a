{#-
    fct_churn_nodes_daily loses nothing: per node_code and segment
    dimension, the daily counts summed over days and segment values equal
    the episodes of fct_churn_node_episodes (entered, lost, recovered,
    recovered after loss), and the stocks on the last day equal the episodes
    still open / still lost at the end of the data. Returns the mismatches.
-#}
with

episodes as (

    select
        node_code,
        is_lost,
        recovered_at,
        is_recovered_after_loss
    from {{ ref('fct_churn_node_episodes') }}

),

daily as (

    select
        date_day,
        node_code,
        segment_dimension,
        entered_count,
        lost_count,
        recovered_count,
        recovered_after_loss_count,
        at_node_count,
        lost_stock_count
    from {{ ref('fct_churn_nodes_daily') }}

),

episode_totals as (

    select
        node_code,
        count(*) as entered,
        count(case when is_lost then 1 end) as lost,
        count(recovered_at) as recovered,
        count(case when is_recovered_after_loss then 1 end) as recovered_after_loss,
        count(case when recovered_at is null then 1 end) as open_at_end,
        count(case when is_lost and recovered_at is null then 1 end) as lost_at_end
    from episodes
    group by node_code

),

last_day as (

    select max(date_day) as date_day
    from daily

),

daily_totals as (

    select
        daily.node_code,
        daily.segment_dimension,
        sum(daily.entered_count) as entered,
        sum(daily.lost_count) as lost,
        sum(daily.recovered_count) as recovered,
        sum(daily.recovered_after_loss_count) as recovered_after_loss,
        sum(case when daily.date_day = last_day.date_day then daily.at_node_count else 0 end) as open_at_end,
        sum(case when daily.date_day = last_day.date_day then daily.lost_stock_count else 0 end) as lost_at_end
    from daily
    cross join last_day
    group by daily.node_code, daily.segment_dimension

),

final as (

    select
        coalesce(daily_totals.node_code, episode_totals.node_code) as node_code,
        daily_totals.segment_dimension,
        episode_totals.entered as episodes_entered,
        daily_totals.entered as daily_entered,
        episode_totals.lost as episodes_lost,
        daily_totals.lost as daily_lost,
        episode_totals.recovered as episodes_recovered,
        daily_totals.recovered as daily_recovered,
        episode_totals.open_at_end as episodes_open_at_end,
        daily_totals.open_at_end as daily_open_at_end,
        episode_totals.lost_at_end as episodes_lost_at_end,
        daily_totals.lost_at_end as daily_lost_at_end
    from daily_totals
    full outer join episode_totals
        on daily_totals.node_code = episode_totals.node_code
    where
        daily_totals.node_code is null
        or episode_totals.node_code is null
        or daily_totals.entered != episode_totals.entered
        or daily_totals.lost != episode_totals.lost
        or daily_totals.recovered != episode_totals.recovered
        or daily_totals.recovered_after_loss != episode_totals.recovered_after_loss
        or daily_totals.open_at_end != episode_totals.open_at_end
        or daily_totals.lost_at_end != episode_totals.lost_at_end

)

select * from final
