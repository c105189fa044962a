-- Invariant: in a first-paid-order cohort every member paid in period 0, so
-- paid_order retention in period 0 is 100% (every grain and segment).
select
    cohort_grain,
    cohort_start_date,
    segment_dimension,
    segment_value,
    cohort_size,
    retained_users,
    retention_rate
from {{ ref('fct_cohort_retention') }}
where
    cohort_event = 'first_paid_order'
    and activity_type = 'paid_order'
    and period_number = 0
    and (retained_users <> cohort_size or retention_rate <> 1.0)
