-- One definition of AOV (客单价 = paid GMV / paid orders, money_divide half-up):
-- every cell of fct_ltv_curves in the segments all and acquisition_channel has
-- aov_cny equal to the paid GMV over the paid orders recomputed from fct_orders for
-- the same population: the customers whose first paid order (is_first_paid_order)
-- was paid in the cohort month (acquisition channel from dim_users), and their
-- orders paid from the cohort month through month month_number (cumulative).
-- Returns the cells whose cumulative orders, GMV or AOV disagree, and cells
-- missing from the recomputation. (first_order_tier cells are covered by
-- assert_ltv_curve_segments_add_up against the all segment.)
with

orders as (

    select * from {{ ref('fct_orders') }}

),

users as (

    select * from {{ ref('dim_users') }}

),

curves as (

    select * from {{ ref('fct_ltv_curves') }}
    where segment_type in ('all', 'acquisition_channel')

),

customers as (

    select
        orders.user_id,
        users.acquisition_channel,
        cast({{ dbt.date_trunc('month', 'orders.paid_date') }} as date) as cohort_month
    from orders
    inner join users
        on orders.user_id = users.user_id
    where orders.is_paid and orders.is_first_paid_order

),

customer_orders as (

    select
        customers.cohort_month,
        customers.acquisition_channel,
        orders.paid_gmv_cny,
        cast(
            {{ dbt.datediff('customers.cohort_month', dbt.date_trunc('month', 'orders.paid_date'), 'month') }}
            as integer
        ) as paid_month_number
    from customers
    inner join orders
        on customers.user_id = orders.user_id
    where orders.is_paid

),

segmented_orders as (

    select
        cohort_month,
        'all' as segment_type,
        'all' as segment_value,
        paid_month_number,
        paid_gmv_cny
    from customer_orders
    union all
    select
        cohort_month,
        'acquisition_channel' as segment_type,
        acquisition_channel as segment_value,
        paid_month_number,
        paid_gmv_cny
    from customer_orders

),

recomputed as (

    select
        curves.ltv_curve_cell_id,
        count(segmented_orders.paid_gmv_cny) as cumulative_paid_orders,
        sum(segmented_orders.paid_gmv_cny) as cumulative_paid_gmv_cny
    from curves
    left join segmented_orders
        on
            curves.cohort_month = segmented_orders.cohort_month
            and curves.segment_type = segmented_orders.segment_type
            and curves.segment_value = segmented_orders.segment_value
            and curves.month_number >= segmented_orders.paid_month_number
    group by curves.ltv_curve_cell_id

),

recomputed_aov as (

    select
        ltv_curve_cell_id,
        cumulative_paid_orders,
        cumulative_paid_gmv_cny,
        {{ money_divide('cumulative_paid_gmv_cny', 'cumulative_paid_orders') }} as aov_cny
    from recomputed

)

select
    curves.cohort_month,
    curves.segment_type,
    curves.segment_value,
    curves.month_number,
    curves.cumulative_paid_orders,
    recomputed_aov.cumulative_paid_orders as orders_cumulative_paid_orders,
    curves.cumulative_paid_gmv_cny,
    recomputed_aov.cumulative_paid_gmv_cny as orders_cumulative_paid_gmv_cny,
    curves.aov_cny,
    recomputed_aov.aov_cny as orders_aov_cny
from curves
left join recomputed_aov
    on curves.ltv_curve_cell_id = recomputed_aov.ltv_curve_cell_id
where
    recomputed_aov.ltv_curve_cell_id is null
    or curves.cumulative_paid_orders != recomputed_aov.cumulative_paid_orders
    or curves.cumulative_paid_gmv_cny != recomputed_aov.cumulative_paid_gmv_cny
    or curves.aov_cny is distinct from recomputed_aov.aov_cny
