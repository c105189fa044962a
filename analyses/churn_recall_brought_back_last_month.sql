-- How many users did recall bring back last month, beyond those who came back
-- on their own? Users lost at churn node 1 (no event within 24 hours of
-- registering) whose 24-hour deadline fell last month: those who received
-- any recall message (recalled) against those who received none (holdout).
-- Came back = any event within 14 days of registering (the day-7 step plus
-- its 7-day window). "Last month" = the calendar month before the data's
-- last day. The same query on the built warehouse is in docs/churn.md.
with

episodes as (

    select * from {{ ref('fct_churn_node_episodes') }}

),

daily as (

    select * from {{ ref('fct_churn_nodes_daily') }}

),

as_of as (

    select max(date_day) as last_day
    from daily

),

last_month as (

    select
        cast({{ dbt.dateadd('month', -1, dbt.date_trunc('month', 'last_day')) }} as date) as month_start,
        cast({{ dbt.date_trunc('month', 'last_day') }} as date) as next_month_start
    from as_of

),

lost_users as (

    select
        episodes.recall_messages_received > 0 as is_recalled,
        coalesce(episodes.recovered_at <= {{ dbt.dateadd('day', 14, 'episodes.entered_at') }}, false) as came_back
    from episodes
    cross join last_month
    where
        episodes.node_code = '{{ churn_recall_node_code() }}'
        and episodes.is_lost
        and episodes.deadline_date >= last_month.month_start
        and episodes.deadline_date < last_month.next_month_start

),

groups as (

    select
        count(case when is_recalled then 1 end) as recalled_users,
        count(case when is_recalled and came_back then 1 end) as recalled_came_back,
        count(case when not is_recalled then 1 end) as holdout_users,
        count(case when not is_recalled and came_back then 1 end) as holdout_came_back
    from lost_users

),

final as (

    select
        last_month.month_start as month_start_date,
        groups.recalled_users,
        groups.recalled_came_back,
        groups.holdout_users,
        groups.holdout_came_back,
        groups.recalled_came_back - groups.recalled_users * cast(groups.holdout_came_back as double)
        / nullif(groups.holdout_users, 0) as users_brought_back_by_recall
    from groups
    cross join last_month

)

select * from final
