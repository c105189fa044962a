-- The value marts reconcile with their sources, per Asia/Shanghai month of
-- the data's window: month_paid_gmv_cny and month_paid_orders of
-- fct_value_levels_monthly equal fct_orders' paid orders by paid month; its
-- month_active_users equal the distinct users of int_user_activity_daily in
-- the month; in fct_value_level_transitions the users moving into an active
-- level equal the month's active users and those moving out of one equal
-- the month before's. Returns one row per mismatch.
with

months as (

    select
        month_start_date,
        previous_month_start_date,
        is_first_data_month
    from {{ ref('int_value_months') }}

),

levels as (

    select
        month_start_date,
        max(month_active_users) as month_active_users,
        max(month_paid_orders) as month_paid_orders,
        max(month_paid_gmv_cny) as month_paid_gmv_cny,
        sum(users) as users
    from {{ ref('fct_value_levels_monthly') }}
    group by month_start_date

),

orders as (

    select
        cast({{ dbt.date_trunc('month', 'paid_date') }} as date) as month_start_date,
        count(*) as paid_orders,
        sum(paid_gmv_cny) as paid_gmv_cny
    from {{ ref('fct_orders') }}
    where
        is_paid
        and paid_date between {{ first_data_date() }} and {{ last_data_date() }}
    group by cast({{ dbt.date_trunc('month', 'paid_date') }} as date)

),

activity as (

    select
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as month_start_date,
        count(distinct user_id) as active_users
    from {{ ref('int_user_activity_daily') }}
    where activity_date between {{ first_data_date() }} and {{ last_data_date() }}
    group by cast({{ dbt.date_trunc('month', 'activity_date') }} as date)

),

transitions as (

    select
        month_start_date,
        sum(case when to_level != 'inactive' then users else 0 end) as users_into_active,
        sum(case when from_level != 'inactive' then users else 0 end) as users_out_of_active
    from {{ ref('fct_value_level_transitions') }}
    group by month_start_date

),

compared as (

    select
        months.month_start_date,
        months.is_first_data_month,
        coalesce(levels.month_active_users, 0) as month_active_users,
        coalesce(levels.users, 0) as level_users,
        coalesce(levels.month_paid_orders, 0) as month_paid_orders,
        coalesce(levels.month_paid_gmv_cny, 0) as month_paid_gmv_cny,
        coalesce(orders.paid_orders, 0) as order_paid_orders,
        coalesce(orders.paid_gmv_cny, 0) as order_paid_gmv_cny,
        coalesce(activity.active_users, 0) as activity_users,
        coalesce(previous_activity.active_users, 0) as previous_activity_users,
        coalesce(transitions.users_into_active, 0) as users_into_active,
        coalesce(transitions.users_out_of_active, 0) as users_out_of_active
    from months
    left join levels
        on months.month_start_date = levels.month_start_date
    left join orders
        on months.month_start_date = orders.month_start_date
    left join activity
        on months.month_start_date = activity.month_start_date
    left join activity as previous_activity
        on months.previous_month_start_date = previous_activity.month_start_date
    left join transitions
        on months.month_start_date = transitions.month_start_date

),

final as (

    select
        month_start_date,
        'month_active_users' as failure,
        cast(month_active_users as double) as mart_value,
        cast(activity_users as double) as expected_value
    from compared
    where month_active_users != activity_users or level_users != activity_users
    union all
    select
        month_start_date,
        'month_paid_orders' as failure,
        cast(month_paid_orders as double) as mart_value,
        cast(order_paid_orders as double) as expected_value
    from compared
    where month_paid_orders != order_paid_orders
    union all
    select
        month_start_date,
        'month_paid_gmv_cny' as failure,
        cast(month_paid_gmv_cny as double) as mart_value,
        cast(order_paid_gmv_cny as double) as expected_value
    from compared
    where month_paid_gmv_cny != order_paid_gmv_cny
    union all
    select
        month_start_date,
        'transitions_into_active_levels' as failure,
        cast(users_into_active as double) as mart_value,
        cast(activity_users as double) as expected_value
    from compared
    where not is_first_data_month and users_into_active != activity_users
    union all
    select
        month_start_date,
        'transitions_out_of_active_levels' as failure,
        cast(users_out_of_active as double) as mart_value,
        cast(previous_activity_users as double) as expected_value
    from compared
    where not is_first_data_month and users_out_of_active != previous_activity_users

)

select * from final
