{#-
    The value levels (用户价值分层) per Asia/Shanghai month: for each month of
    the data's window and each level S, A, B, C, D (every pair, zero when a
    level is empty), the users, their share of the month's active users
    (and of its paying users), paid orders, GMV, share of the month's GMV, AOV, and the AOV of the
    month's other levels. One row per month and level. Definitions:
    _value__models.yml.
-#}
with

user_months as (

    select
        month_start_date,
        value_level,
        paid_orders,
        paid_gmv_cny,
        interactions
    from {{ ref('fct_user_value_levels_monthly') }}

),

months as (

    select
        month_start_date,
        is_complete_month
    from {{ ref('int_value_months') }}

),

levels as (

    {% for level, rank in value_levels() -%}
        select
            '{{ level }}' as value_level,
            {{ rank }} as value_level_rank
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

by_level as (

    select
        month_start_date,
        value_level,
        count(*) as users,
        count(case when paid_orders > 0 then 1 end) as paying_users,
        sum(paid_orders) as paid_orders,
        sum(paid_gmv_cny) as paid_gmv_cny,
        sum(interactions) as interactions
    from user_months
    group by
        month_start_date,
        value_level

),

spine as (

    select
        months.month_start_date,
        months.is_complete_month,
        levels.value_level,
        levels.value_level_rank,
        coalesce(by_level.users, 0) as users,
        coalesce(by_level.paying_users, 0) as paying_users,
        coalesce(by_level.paid_orders, 0) as paid_orders,
        coalesce(by_level.paid_gmv_cny, 0) as paid_gmv_cny,
        coalesce(by_level.interactions, 0) as interactions
    from months
    cross join levels
    left join by_level
        on
            months.month_start_date = by_level.month_start_date
            and levels.value_level = by_level.value_level

),

with_month_totals as (

    select
        *,
        sum(users) over (partition by month_start_date) as month_active_users,
        sum(paying_users) over (partition by month_start_date) as month_paying_users,
        sum(paid_orders) over (partition by month_start_date) as month_paid_orders,
        sum(paid_gmv_cny) over (partition by month_start_date) as month_paid_gmv_cny
    from spine

),

final as (

    select
        cast(month_start_date as date) as month_start_date,
        cast(value_level as {{ dbt.type_string() }}) as value_level,
        cast(value_level_rank as integer) as value_level_rank,
        cast(is_complete_month as boolean) as is_complete_month,
        cast(users as bigint) as users,
        cast(month_active_users as bigint) as month_active_users,
        cast({{ safe_rate('users', 'month_active_users') }} as double) as user_share,
        cast(paying_users as bigint) as paying_users,
        cast(month_paying_users as bigint) as month_paying_users,
        cast({{ safe_rate('paying_users', 'month_paying_users') }} as double) as paying_user_share,
        cast(paid_orders as bigint) as paid_orders,
        cast(paid_gmv_cny as decimal(18, 2)) as paid_gmv_cny,
        cast(month_paid_orders as bigint) as month_paid_orders,
        cast(month_paid_gmv_cny as decimal(18, 2)) as month_paid_gmv_cny,
        cast({{ safe_rate('paid_gmv_cny', 'month_paid_gmv_cny') }} as double) as gmv_share,
        {{ money_divide('paid_gmv_cny', 'paid_orders') }} as aov_cny,
        cast(month_paid_orders - paid_orders as bigint) as rest_paid_orders,
        cast(month_paid_gmv_cny - paid_gmv_cny as decimal(18, 2)) as rest_paid_gmv_cny,
        {{ money_divide('month_paid_gmv_cny - paid_gmv_cny', 'month_paid_orders - paid_orders') }} as rest_aov_cny,
        cast(interactions as bigint) as interactions
    from with_month_totals

)

select * from final
