-- Holdout check of the BG/NBD fit: customers whose first purchase falls in
-- the calibration window, grouped by their repeat purchase days in it;
-- expected (calibration fit) vs actual repeat purchase days in the holdout
-- window (calibration end, as-of day], per bucket and in total.

with

predictions as (

    select * from {{ ref('int_clv_holdout_predictions') }}

),

bucketed as (

    select
        case
            when calibration_repeat_purchase_days >= 5 then '5+'
            else cast(calibration_repeat_purchase_days as {{ dbt.type_string() }})
        end as frequency_bucket,
        least(calibration_repeat_purchase_days, 5) as bucket_order,
        holdout_days,
        expected_holdout_repeat_purchase_days,
        actual_holdout_repeat_purchase_days
    from predictions

),

by_bucket as (

    select
        frequency_bucket,
        bucket_order,
        max(holdout_days) as holdout_days,
        count(*) as customers,
        sum(expected_holdout_repeat_purchase_days) as expected_repeat_purchase_days,
        sum(actual_holdout_repeat_purchase_days) as actual_repeat_purchase_days
    from bucketed
    group by frequency_bucket, bucket_order

),

total as (

    select
        'total' as frequency_bucket,
        99 as bucket_order,
        max(holdout_days) as holdout_days,
        count(*) as customers,
        sum(expected_holdout_repeat_purchase_days) as expected_repeat_purchase_days,
        sum(actual_holdout_repeat_purchase_days) as actual_repeat_purchase_days
    from bucketed

),

combined as (

    select * from by_bucket
    union all
    select * from total

),

final as (

    select
        frequency_bucket,
        cast(bucket_order as integer) as bucket_order,
        {{ clv_calibration_end_date() }} as calibration_end_date,
        cast(holdout_days as integer) as holdout_days,
        cast(customers as bigint) as customers,
        cast(expected_repeat_purchase_days as decimal(18, 2)) as expected_repeat_purchase_days,
        cast(actual_repeat_purchase_days as bigint) as actual_repeat_purchase_days,
        cast(
            (expected_repeat_purchase_days - actual_repeat_purchase_days) / nullif(actual_repeat_purchase_days, 0)
            as decimal(9, 4)
        ) as relative_error,
        cast({{ var('clv_holdout_tolerance') }} as decimal(9, 4)) as tolerance,
        abs(expected_repeat_purchase_days - actual_repeat_purchase_days)
        <= {{ var('clv_holdout_tolerance') }} * actual_repeat_purchase_days as is_within_tolerance
    from combined

)

select * from final
