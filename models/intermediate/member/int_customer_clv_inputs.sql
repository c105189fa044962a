-- BG/NBD and Gamma-Gamma inputs per customer, in purchase days: all paid
-- orders of one customer on one Asia/Shanghai day are one purchase worth
-- their summed paid GMV. Two windows: the as-of window (fit of
-- fct_customer_clv) and the calibration window that ends on
-- clv_calibration_end_date() (var, else the as-of day minus clv_holdout_days),
-- with the repeat purchase days that followed it up to the as-of day (holdout
-- check, fct_clv_holdout).

with

orders as (

    select * from {{ ref('fct_orders') }}

),

windows as (

    select
        {{ member_as_of_date() }} as as_of_date,
        {{ clv_calibration_end_date() }} as calibration_end_date

),

purchase_days as (

    select
        orders.user_id,
        orders.paid_date as purchase_date,
        count(*) as paid_orders,
        sum(orders.paid_gmv_cny) as purchase_value_cny
    from orders
    cross join windows
    where orders.is_paid and orders.paid_date <= windows.as_of_date
    group by orders.user_id, orders.paid_date

),

numbered as (

    select
        user_id,
        purchase_date,
        paid_orders,
        purchase_value_cny,
        min(purchase_date) over (partition by user_id) as first_purchase_date
    from purchase_days

),

per_customer as (

    select
        numbered.user_id,
        windows.as_of_date,
        windows.calibration_end_date,
        numbered.first_purchase_date,
        max(numbered.purchase_date) as last_purchase_date,
        sum(numbered.paid_orders) as paid_orders,
        count(*) as purchase_days,
        sum(case when numbered.purchase_date > numbered.first_purchase_date then numbered.purchase_value_cny end)
            as repeat_purchase_value_cny,
        max(case when numbered.purchase_date <= windows.calibration_end_date then numbered.purchase_date end)
            as calibration_last_purchase_date,
        sum(
            case
                when
                    numbered.purchase_date > numbered.first_purchase_date
                    and numbered.purchase_date <= windows.calibration_end_date
                    then 1
                else 0
            end
        ) as calibration_repeat_purchase_days,
        sum(
            case
                when
                    numbered.purchase_date > numbered.first_purchase_date
                    and numbered.purchase_date <= windows.calibration_end_date
                    then numbered.purchase_value_cny
            end
        ) as calibration_repeat_purchase_value_cny,
        sum(case when numbered.purchase_date > windows.calibration_end_date then 1 else 0 end)
            as holdout_repeat_purchase_days
    from numbered
    cross join windows
    group by numbered.user_id, windows.as_of_date, windows.calibration_end_date, numbered.first_purchase_date

),

final as (

    select
        user_id,
        as_of_date,
        first_purchase_date,
        last_purchase_date,
        cast(paid_orders as bigint) as paid_orders,
        cast(purchase_days as bigint) as purchase_days,
        cast(purchase_days - 1 as bigint) as repeat_purchase_days,
        {{ dbt.datediff('first_purchase_date', 'last_purchase_date', 'day') }} as recency_days,
        {{ dbt.datediff('first_purchase_date', 'as_of_date', 'day') }} as age_days,
        cast(repeat_purchase_value_cny as decimal(18, 2)) as repeat_purchase_value_cny,
        {{ money_divide('repeat_purchase_value_cny', 'purchase_days - 1') }} as mean_repeat_purchase_value_cny,
        calibration_end_date,
        first_purchase_date <= calibration_end_date as is_in_calibration,
        case
            when first_purchase_date <= calibration_end_date then cast(calibration_repeat_purchase_days as bigint)
        end as calibration_repeat_purchase_days,
        case
            when first_purchase_date <= calibration_end_date
                then {{ dbt.datediff('first_purchase_date', 'calibration_last_purchase_date', 'day') }}
        end as calibration_recency_days,
        case
            when first_purchase_date <= calibration_end_date
                then {{ dbt.datediff('first_purchase_date', 'calibration_end_date', 'day') }}
        end as calibration_age_days,
        cast(calibration_repeat_purchase_value_cny as decimal(18, 2)) as calibration_repeat_purchase_value_cny,
        case
            when first_purchase_date <= calibration_end_date
                then {{ dbt.datediff('calibration_end_date', 'as_of_date', 'day') }}
        end as holdout_days,
        case
            when first_purchase_date <= calibration_end_date then cast(holdout_repeat_purchase_days as bigint)
        end as holdout_repeat_purchase_days
    from per_customer

)

select * from final
