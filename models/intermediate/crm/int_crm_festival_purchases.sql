{#-
    Festival shopping (节日记忆): one row per user, festival and festival day
    (int_crm_festival_days) for which the user bought. An order counts as
    bought for a festival when it was paid on the festival's day or up to
    var crm_festival_purchase_window_days days before it (Asia/Shanghai
    paid day; both ends included). An order inside the windows of two
    festivals counts for both. Rules are in _int_crm__models.yml.
-#}
{%- set window_days = var('crm_festival_purchase_window_days') | int %}
with

orders as (

    select
        order_id,
        user_id,
        paid_date,
        paid_gmv_cny
    from {{ ref('fct_orders') }}
    where is_paid

),

festival_days as (

    select
        festival_name,
        festival_year,
        festival_date
    from {{ ref('int_crm_festival_days') }}

),

festival_orders as (

    select
        orders.user_id,
        festival_days.festival_name,
        festival_days.festival_year,
        festival_days.festival_date,
        orders.order_id,
        orders.paid_date,
        orders.paid_gmv_cny
    from orders
    inner join festival_days
        on
            orders.paid_date <= festival_days.festival_date
            and orders.paid_date >= {{ dbt.dateadd('day', -window_days, 'festival_days.festival_date') }}

),

final as (

    select
        user_id,
        festival_name,
        festival_year,
        festival_date,
        min(paid_date) as first_paid_date,
        count(*) as paid_orders,
        cast(sum(paid_gmv_cny) as decimal(18, 2)) as paid_gmv_cny
    from festival_orders
    group by user_id, festival_name, festival_year, festival_date

)

select * from final
