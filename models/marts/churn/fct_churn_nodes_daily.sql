{#-
    One row per Asia/Shanghai day, churn node (with its window) and segment:
    episodes entering, reaching the deadline without recovery (lost that
    day), recovering, and the stocks at the end of the day, with the rates a
    reviewer quotes. Every day of the data appears for every node and
    segment value, zero-filled, so that the stock identity can be checked
    from one day to the next. Definitions: _churn__models.yml.
-#}
{%- set segment_dimensions = var(
    'churn_segment_dimensions', ['acquisition_channel', 'device', 'age_band', 'member_tier_at_entry']
) %}
with

episodes as (

    select
        episode_id,
        node_code,
        node,
        node_number,
        window_days,
        entered_date,
        deadline_date,
        is_deadline_passed,
        is_lost,
        recovered_date,
        has_login_after_entry,
        is_order_unpaid_at_deadline,
        acquisition_channel,
        device,
        age_band,
        member_tier_at_entry
    from {{ ref('fct_churn_node_episodes') }}

),

calendar as (

    select date_day
    from {{ ref('dim_date') }}

),

data_start as (

    select
        {{ first_data_date() }} as data_start_date,
        {{ last_data_date() }} as data_end_date

),

days as (

    select calendar.date_day
    from calendar
    cross join data_start
    where calendar.date_day between data_start.data_start_date and data_start.data_end_date

),

-- one row per episode and segment it belongs to: the whole population
-- ('all') and one value of each segment dimension, fixed at entry
episode_segments as (

    select
        episode_id,
        node_code,
        node,
        node_number,
        window_days,
        entered_date,
        deadline_date,
        is_deadline_passed,
        is_lost,
        recovered_date,
        has_login_after_entry,
        is_order_unpaid_at_deadline,
        'all' as segment_dimension,
        'all' as segment_value
    from episodes
    {% for dimension in segment_dimensions %}
        union all

        select
            episode_id,
            node_code,
            node,
            node_number,
            window_days,
            entered_date,
            deadline_date,
            is_deadline_passed,
            is_lost,
            recovered_date,
            has_login_after_entry,
            is_order_unpaid_at_deadline,
            '{{ dimension }}' as segment_dimension,
            coalesce({{ dimension }}, 'unknown') as segment_value
        from episodes
    {% endfor %}

),

segments as (

    select distinct
        node_code,
        node,
        node_number,
        window_days,
        segment_dimension,
        segment_value
    from episode_segments

),

grid as (

    select
        days.date_day,
        segments.node_code,
        segments.node,
        segments.node_number,
        segments.window_days,
        segments.segment_dimension,
        segments.segment_value
    from segments
    cross join days

),

entered as (

    select
        node_code,
        segment_dimension,
        segment_value,
        entered_date as date_day,
        count(*) as entered_count,
        count(case when is_deadline_passed then 1 end) as cohort_deadline_passed_count,
        count(case when is_lost then 1 end) as cohort_lost_count,
        count(case when not has_login_after_entry then 1 end) as cohort_never_logged_in_count,
        count(case when is_order_unpaid_at_deadline then 1 end) as cohort_orders_unpaid_count
    from episode_segments
    group by node_code, segment_dimension, segment_value, entered_date

),

lost as (

    select
        node_code,
        segment_dimension,
        segment_value,
        deadline_date as date_day,
        count(*) as lost_count
    from episode_segments
    where is_lost
    group by node_code, segment_dimension, segment_value, deadline_date

),

recovered as (

    select
        node_code,
        segment_dimension,
        segment_value,
        recovered_date as date_day,
        count(*) as recovered_count,
        count(case when is_lost then 1 end) as recovered_after_loss_count
    from episode_segments
    where recovered_date is not null
    group by node_code, segment_dimension, segment_value, recovered_date

),

-- The stocks as running sums of daily flows, so that the cost grows with
-- days x segments, not with episodes x days: an episode is at its node
-- from its entry day until the day it recovers (exclusive), and lost from
-- its deadline day until the day it recovers. A flow before the first day
-- of the data counts on the first day (none is expected); an exit earlier
-- than its entry cancels it the same day, as an empty span would.
stock_flows as (

    select
        episode_segments.node_code,
        episode_segments.segment_dimension,
        episode_segments.segment_value,
        greatest(episode_segments.entered_date, data_start.data_start_date) as date_day,
        1 as at_node_delta,
        0 as lost_delta
    from episode_segments
    cross join data_start

    union all

    select
        episode_segments.node_code,
        episode_segments.segment_dimension,
        episode_segments.segment_value,
        greatest(episode_segments.recovered_date, episode_segments.entered_date, data_start.data_start_date)
            as date_day,
        -1 as at_node_delta,
        0 as lost_delta
    from episode_segments
    cross join data_start
    where episode_segments.recovered_date is not null

    union all

    select
        episode_segments.node_code,
        episode_segments.segment_dimension,
        episode_segments.segment_value,
        greatest(episode_segments.deadline_date, data_start.data_start_date) as date_day,
        0 as at_node_delta,
        1 as lost_delta
    from episode_segments
    cross join data_start
    where episode_segments.is_lost

    union all

    select
        episode_segments.node_code,
        episode_segments.segment_dimension,
        episode_segments.segment_value,
        greatest(episode_segments.recovered_date, episode_segments.deadline_date, data_start.data_start_date)
            as date_day,
        0 as at_node_delta,
        -1 as lost_delta
    from episode_segments
    cross join data_start
    where episode_segments.is_lost and episode_segments.recovered_date is not null

),

daily_stock_flows as (

    select
        node_code,
        segment_dimension,
        segment_value,
        date_day,
        sum(at_node_delta) as at_node_delta,
        sum(lost_delta) as lost_delta
    from stock_flows
    group by node_code, segment_dimension, segment_value, date_day

),

stocks as (

    select
        grid.node_code,
        grid.segment_dimension,
        grid.segment_value,
        grid.date_day,
        sum(coalesce(daily_stock_flows.at_node_delta, 0)) over (
            partition by grid.node_code, grid.segment_dimension, grid.segment_value
            order by grid.date_day
            rows between unbounded preceding and current row
        ) as at_node_count,
        sum(coalesce(daily_stock_flows.lost_delta, 0)) over (
            partition by grid.node_code, grid.segment_dimension, grid.segment_value
            order by grid.date_day
            rows between unbounded preceding and current row
        ) as lost_stock_count
    from grid
    left join daily_stock_flows
        on
            grid.node_code = daily_stock_flows.node_code
            and grid.segment_dimension = daily_stock_flows.segment_dimension
            and grid.segment_value = daily_stock_flows.segment_value
            and grid.date_day = daily_stock_flows.date_day

),

joined as (

    select
        grid.date_day,
        grid.node_code,
        grid.node,
        grid.node_number,
        grid.window_days,
        grid.segment_dimension,
        grid.segment_value,
        cast(coalesce(entered.entered_count, 0) as bigint) as entered_count,
        cast(coalesce(lost.lost_count, 0) as bigint) as lost_count,
        cast(coalesce(recovered.recovered_count, 0) as bigint) as recovered_count,
        cast(coalesce(recovered.recovered_after_loss_count, 0) as bigint) as recovered_after_loss_count,
        cast(stocks.at_node_count as bigint) as at_node_count,
        cast(stocks.lost_stock_count as bigint) as lost_stock_count,
        cast(coalesce(entered.cohort_deadline_passed_count, 0) as bigint) as cohort_deadline_passed_count,
        cast(coalesce(entered.cohort_lost_count, 0) as bigint) as cohort_lost_count,
        case
            when grid.node = 'registered_no_return'
                then cast(coalesce(entered.cohort_never_logged_in_count, 0) as bigint)
        end as cohort_never_logged_in_count,
        case
            when grid.node = 'ordered_not_paid'
                then cast(coalesce(entered.cohort_orders_unpaid_count, 0) as bigint)
        end as cohort_orders_unpaid_count
    from grid
    left join entered
        on
            grid.node_code = entered.node_code
            and grid.segment_dimension = entered.segment_dimension
            and grid.segment_value = entered.segment_value
            and grid.date_day = entered.date_day
    left join lost
        on
            grid.node_code = lost.node_code
            and grid.segment_dimension = lost.segment_dimension
            and grid.segment_value = lost.segment_value
            and grid.date_day = lost.date_day
    left join recovered
        on
            grid.node_code = recovered.node_code
            and grid.segment_dimension = recovered.segment_dimension
            and grid.segment_value = recovered.segment_value
            and grid.date_day = recovered.date_day
    inner join stocks
        on
            grid.node_code = stocks.node_code
            and grid.segment_dimension = stocks.segment_dimension
            and grid.segment_value = stocks.segment_value
            and grid.date_day = stocks.date_day
),

final as (

    select
        {{ surrogate_key(['date_day', 'node_code', 'segment_dimension', 'segment_value']) }} as node_day_segment_id,
        date_day,
        node_code,
        node,
        node_number,
        window_days,
        segment_dimension,
        segment_value,
        entered_count,
        lost_count,
        recovered_count,
        recovered_after_loss_count,
        at_node_count,
        lost_stock_count,
        cohort_deadline_passed_count,
        cohort_lost_count,
        cohort_never_logged_in_count,
        cohort_orders_unpaid_count,
        entered_count > 0 and cohort_deadline_passed_count = entered_count as is_cohort_complete,
        case
            when entered_count > 0 and cohort_deadline_passed_count = entered_count
                then cast(cohort_lost_count as double) / entered_count
        end as loss_rate,
        {{ safe_rate('cohort_never_logged_in_count', 'entered_count') }} as never_logged_in_rate,
        case
            when entered_count > 0 and cohort_deadline_passed_count = entered_count
                then cast(cohort_orders_unpaid_count as double) / entered_count
        end as orders_unpaid_rate,
        {{ safe_rate('lost_stock_count', 'at_node_count') }} as lost_stock_share
    from joined

)

select * from final
