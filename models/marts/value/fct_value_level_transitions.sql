{#-
    Month-over-month moves between value levels (用户价值分层流转): for each
    Asia/Shanghai month of the data after its first, every pair of states of
    the month before (from_level) and the month (to_level) among S, A, B, C,
    D and 'inactive' (no activity in that month), with the users who made
    the move and their share of from_level's users. inactive -> inactive is
    not a move (those users are in neither month). One row per month,
    from_level and to_level. Definitions: _value__models.yml.
-#}
with

user_months as (

    select
        user_id,
        month_start_date,
        value_level,
        previous_value_level,
        next_value_level,
        is_first_active_month
    from {{ ref('fct_user_value_levels_monthly') }}

),

months as (

    select
        month_start_date,
        previous_month_start_date,
        is_complete_month,
        is_first_data_month
    from {{ ref('int_value_months') }}

),

states as (

    {% for level, rank in value_levels() -%}
        select
            '{{ level }}' as value_state,
            {{ rank }} as state_rank
        union all
    {% endfor -%}
    select
        'inactive' as value_state,
        {{ value_levels() | length + 1 }} as state_rank

),

-- a user active in the month: from the month before's state (inactive
-- when not active then) to the month's level
arrivals as (

    select
        month_start_date,
        previous_value_level as from_level,
        value_level as to_level,
        case when is_first_active_month then 1 else 0 end as first_active_flag
    from user_months
    where previous_value_level is not null

),

-- a user active in a month and not in the next: to inactive in the next
departures as (

    select
        cast({{ dbt.dateadd('month', 1, 'month_start_date') }} as date) as month_start_date,
        value_level as from_level,
        'inactive' as to_level,
        0 as first_active_flag
    from user_months
    where next_value_level = 'inactive'

),

all_moves as (

    select * from arrivals
    union all
    select * from departures

),

moves as (

    select
        month_start_date,
        from_level,
        to_level,
        count(*) as users,
        sum(first_active_flag) as first_active_users
    from all_moves
    group by
        month_start_date,
        from_level,
        to_level

),

grid as (

    select
        months.month_start_date,
        months.previous_month_start_date,
        months.is_complete_month,
        from_states.value_state as from_level,
        from_states.state_rank as from_level_rank,
        to_states.value_state as to_level,
        to_states.state_rank as to_level_rank
    from months
    cross join states as from_states
    cross join states as to_states
    where
        not months.is_first_data_month
        and not (from_states.value_state = 'inactive' and to_states.value_state = 'inactive')

),

counted as (

    select
        grid.*,
        previous_months.is_complete_month as is_from_month_complete,
        coalesce(moves.users, 0) as users,
        coalesce(moves.first_active_users, 0) as first_active_users
    from grid
    inner join months as previous_months
        on grid.previous_month_start_date = previous_months.month_start_date
    left join moves
        on
            grid.month_start_date = moves.month_start_date
            and grid.from_level = moves.from_level
            and grid.to_level = moves.to_level

),

with_from_totals as (

    select
        *,
        sum(users) over (partition by month_start_date, from_level) as from_level_users
    from counted

),

final as (

    select
        cast(month_start_date as date) as month_start_date,
        cast(previous_month_start_date as date) as from_month_start_date,
        cast(from_level as {{ dbt.type_string() }}) as from_level,
        cast(to_level as {{ dbt.type_string() }}) as to_level,
        cast(from_level_rank as integer) as from_level_rank,
        cast(to_level_rank as integer) as to_level_rank,
        cast(
            case
                when from_level = 'inactive' then 'activated'
                when to_level = 'inactive' then 'lapsed'
                when to_level_rank < from_level_rank then 'upgraded'
                when to_level_rank > from_level_rank then 'downgraded'
                else 'retained'
            end as {{ dbt.type_string() }}
        ) as transition_type,
        cast(is_complete_month as boolean) as is_complete_month,
        cast(is_from_month_complete as boolean) as is_from_month_complete,
        cast(users as bigint) as users,
        cast(from_level_users as bigint) as from_level_users,
        cast({{ safe_rate('users', 'from_level_users') }} as double) as share_of_from_level,
        cast(first_active_users as bigint) as first_active_users
    from with_from_totals

)

select * from final
