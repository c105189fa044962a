-- Reconciliation: every single-valued segment dimension splits a weekly or
-- monthly cohort without loss (its sizes sum to the `all` cohort's size),
-- and the daily `all` cohorts of a week sum to that week's `all` cohort.
with

cohorts as (

    select distinct
        cohort_event,
        cohort_grain,
        cohort_start_date,
        segment_dimension,
        segment_value,
        cohort_size
    from {{ ref('fct_cohort_retention') }}

),

all_segment as (

    select
        cohort_event,
        cohort_grain,
        cohort_start_date,
        cohort_size
    from cohorts
    where segment_dimension = 'all'

),

dimension_totals as (

    select
        cohort_event,
        cohort_grain,
        cohort_start_date,
        segment_dimension,
        sum(cohort_size) as summed_size
    from cohorts
    where segment_dimension not in ('all', 'experiment_group')
    group by
        cohort_event,
        cohort_grain,
        cohort_start_date,
        segment_dimension

),

daily_by_week as (

    select
        cohort_event,
        cast({{ dbt.date_trunc('week', 'cohort_start_date') }} as date) as week_start_date,
        sum(cohort_size) as summed_size
    from all_segment
    where cohort_grain = 'day'
    group by
        cohort_event,
        cast({{ dbt.date_trunc('week', 'cohort_start_date') }} as date)

),

segment_gaps as (

    select
        dimension_totals.cohort_event,
        dimension_totals.cohort_grain,
        dimension_totals.cohort_start_date,
        dimension_totals.segment_dimension,
        dimension_totals.summed_size,
        all_segment.cohort_size as all_size
    from dimension_totals
    left join all_segment
        on
            dimension_totals.cohort_event = all_segment.cohort_event
            and dimension_totals.cohort_grain = all_segment.cohort_grain
            and dimension_totals.cohort_start_date = all_segment.cohort_start_date
    where all_segment.cohort_size is null or dimension_totals.summed_size <> all_segment.cohort_size

),

daily_gaps as (

    select
        daily_by_week.cohort_event,
        'day' as cohort_grain,
        daily_by_week.week_start_date as cohort_start_date,
        'all' as segment_dimension,
        daily_by_week.summed_size,
        all_segment.cohort_size as all_size
    from daily_by_week
    left join all_segment
        on
            daily_by_week.cohort_event = all_segment.cohort_event
            and all_segment.cohort_grain = 'week'
            and daily_by_week.week_start_date = all_segment.cohort_start_date
    where all_segment.cohort_size is null or daily_by_week.summed_size <> all_segment.cohort_size

)

select * from segment_gaps
union all
select * from daily_gaps
