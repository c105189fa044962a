{#-
    The value level (用户价值分层) of every user in every Asia/Shanghai month
    in which the user was active, with the month's paid orders, GMV, AOV and
    interactions, and the level of the month before and after ('inactive'
    when the user had no activity then; null outside the data's window).
    One row per user and active month. Definitions: _value__models.yml.
-#}
with

user_months as (

    select
        user_id,
        month_start_date,
        value_level,
        value_level_rank,
        is_complete_month,
        active_days,
        paid_orders,
        paid_gmv_cny,
        interactions
    from {{ ref('int_user_value_months') }}

),

months as (

    select
        month_start_date,
        previous_month_start_date,
        next_month_start_date,
        is_first_data_month,
        is_last_data_month
    from {{ ref('int_value_months') }}

),

first_months as (

    select
        user_id,
        min(month_start_date) as first_active_month_start_date
    from user_months
    group by user_id

),

final as (

    select
        cast(user_months.user_id as bigint) as user_id,
        cast(user_months.month_start_date as date) as month_start_date,
        cast(user_months.value_level as {{ dbt.type_string() }}) as value_level,
        cast(user_months.value_level_rank as integer) as value_level_rank,
        cast(
            case
                when not months.is_first_data_month then coalesce(previous_months.value_level, 'inactive')
            end as {{ dbt.type_string() }}
        ) as previous_value_level,
        cast(
            case
                when not months.is_last_data_month then coalesce(next_months.value_level, 'inactive')
            end as {{ dbt.type_string() }}
        ) as next_value_level,
        user_months.month_start_date = first_months.first_active_month_start_date as is_first_active_month,
        cast(user_months.is_complete_month as boolean) as is_complete_month,
        cast(user_months.active_days as integer) as active_days,
        cast(user_months.paid_orders as integer) as paid_orders,
        cast(user_months.paid_gmv_cny as decimal(18, 2)) as paid_gmv_cny,
        {{ money_divide('user_months.paid_gmv_cny', 'user_months.paid_orders') }} as aov_cny,
        cast(user_months.interactions as integer) as interactions
    from user_months
    inner join months
        on user_months.month_start_date = months.month_start_date
    inner join first_months
        on user_months.user_id = first_months.user_id
    left join user_months as previous_months
        on
            user_months.user_id = previous_months.user_id
            and months.previous_month_start_date = previous_months.month_start_date
    left join user_months as next_months
        on
            user_months.user_id = next_months.user_id
            and months.next_month_start_date = next_months.month_start_date

)

select * from final
