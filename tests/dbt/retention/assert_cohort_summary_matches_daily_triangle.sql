-- Consistency: for daily cohorts the summary's D1 / D7 / D30 counts are the
-- triangle's day 1 / 7 / 30 cells.
with

summary as (

    select
        cohort_event,
        activity_type,
        cohort_start_date,
        segment_dimension,
        segment_value,
        d1_retained_users,
        d7_retained_users,
        d30_retained_users
    from {{ ref('fct_cohort_retention_summary') }}
    where cohort_grain = 'day'

),

triangle as (

    select
        cohort_event,
        activity_type,
        cohort_start_date,
        segment_dimension,
        segment_value,
        sum(case when period_number = 1 then retained_users end) as d1_retained_users,
        sum(case when period_number = 7 then retained_users end) as d7_retained_users,
        sum(case when period_number = 30 then retained_users end) as d30_retained_users
    from {{ ref('fct_cohort_retention') }}
    where cohort_grain = 'day'
    group by
        cohort_event,
        activity_type,
        cohort_start_date,
        segment_dimension,
        segment_value

)

select
    summary.*,
    triangle.d1_retained_users as triangle_d1,
    triangle.d7_retained_users as triangle_d7,
    triangle.d30_retained_users as triangle_d30
from summary
left join triangle
    on
        summary.cohort_event = triangle.cohort_event
        and summary.activity_type = triangle.activity_type
        and summary.cohort_start_date = triangle.cohort_start_date
        and summary.segment_dimension = triangle.segment_dimension
        and summary.segment_value = triangle.segment_value
where
    triangle.cohort_event is null
    or summary.d1_retained_users <> triangle.d1_retained_users
    or summary.d7_retained_users <> triangle.d7_retained_users
    or summary.d30_retained_users <> triangle.d30_retained_users
