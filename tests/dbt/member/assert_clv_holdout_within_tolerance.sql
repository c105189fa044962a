-- The calibration fit's total predicted repeat purchase days in the holdout
-- window are within var clv_holdout_tolerance of the actual total.

select * from {{ ref('fct_clv_holdout') }}
where frequency_bucket = 'total' and not is_within_tolerance
