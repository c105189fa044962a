-- Invariant: 0 <= retained ("on") <= retained_users_unbounded ("on or
-- after") <= cohort_size in every cell of the triangle.
select
    cohort_event,
    activity_type,
    cohort_grain,
    cohort_start_date,
    segment_dimension,
    segment_value,
    period_number,
    cohort_size,
    retained_users,
    retained_users_unbounded
from {{ ref('fct_cohort_retention') }}
where
    retained_users < 0
    or retained_users > retained_users_unbounded
    or retained_users_unbounded > cohort_size
