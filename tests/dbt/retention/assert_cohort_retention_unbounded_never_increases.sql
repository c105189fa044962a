-- Invariant: "on or after" retention never increases with the period
-- number (counts in every cell; rates where both cells are complete).
with

cells as (

    select
        cohort_event,
        activity_type,
        cohort_grain,
        cohort_start_date,
        segment_dimension,
        segment_value,
        period_number,
        retained_users_unbounded,
        retention_rate_unbounded,
        lag(retained_users_unbounded) over (
            partition by cohort_event, activity_type, cohort_grain, cohort_start_date, segment_dimension, segment_value
            order by period_number
        ) as previous_unbounded,
        lag(retention_rate_unbounded) over (
            partition by cohort_event, activity_type, cohort_grain, cohort_start_date, segment_dimension, segment_value
            order by period_number
        ) as previous_rate_unbounded
    from {{ ref('fct_cohort_retention') }}

)

select *
from cells
where
    retained_users_unbounded > previous_unbounded
    or retention_rate_unbounded > previous_rate_unbounded
