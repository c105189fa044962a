-- One definition of day-N retention: every cell of fct_cohort_retention_summary
-- (each cohort event, activity type, grain, cohort and segment) agrees with
-- int_user_day_n_retention over the cell's members (int_retention_cohort_members):
-- cohort_size = the members; dN_retained_users = members active on exactly day N;
-- a cell marked complete has every member observable for day N, and then its
-- retained users are the members the per-user rule retains (so the published
-- rate is the per-user rule's rate); a daily cell (one day 0 for all members) is
-- complete exactly when its members are observable. Returns the cells that
-- disagree.
with

members as (

    select
        cohort_event,
        cohort_grain,
        cohort_start_date,
        segment_dimension,
        segment_value,
        user_id
    from {{ ref('int_retention_cohort_members') }}

),

day_n as (

    select * from {{ ref('int_user_day_n_retention') }}

),

recomputed as (

    select
        members.cohort_event,
        day_n.activity_type,
        members.cohort_grain,
        members.cohort_start_date,
        members.segment_dimension,
        members.segment_value,
        count(*) as cohort_size,
        sum(case when day_n.is_d1_active then 1 else 0 end) as d1_active_users,
        sum(case when day_n.is_d7_active then 1 else 0 end) as d7_active_users,
        sum(case when day_n.is_d30_active then 1 else 0 end) as d30_active_users,
        sum(case when day_n.is_d1_retained then 1 else 0 end) as d1_retained_users,
        sum(case when day_n.is_d7_retained then 1 else 0 end) as d7_retained_users,
        sum(case when day_n.is_d30_retained then 1 else 0 end) as d30_retained_users,
        min(case when day_n.is_d1_observable then 1 else 0 end) = 1 as is_d1_all_observable,
        min(case when day_n.is_d7_observable then 1 else 0 end) = 1 as is_d7_all_observable,
        min(case when day_n.is_d30_observable then 1 else 0 end) = 1 as is_d30_all_observable
    from members
    inner join day_n
        on
            members.user_id = day_n.user_id
            and members.cohort_event = day_n.cohort_event
    group by
        members.cohort_event,
        day_n.activity_type,
        members.cohort_grain,
        members.cohort_start_date,
        members.segment_dimension,
        members.segment_value

),

summary as (

    select * from {{ ref('fct_cohort_retention_summary') }}

)

select
    summary.cohort_event,
    summary.activity_type,
    summary.cohort_grain,
    summary.cohort_start_date,
    summary.segment_dimension,
    summary.segment_value,
    summary.cohort_size,
    recomputed.cohort_size as recomputed_cohort_size,
    summary.d1_retained_users,
    recomputed.d1_active_users,
    summary.d7_retained_users,
    recomputed.d7_active_users,
    summary.d30_retained_users,
    recomputed.d30_active_users,
    summary.is_d1_complete,
    summary.is_d7_complete,
    summary.is_d30_complete
from summary
full outer join recomputed
    on
        summary.cohort_event = recomputed.cohort_event
        and summary.activity_type = recomputed.activity_type
        and summary.cohort_grain = recomputed.cohort_grain
        and summary.cohort_start_date = recomputed.cohort_start_date
        and summary.segment_dimension = recomputed.segment_dimension
        and summary.segment_value = recomputed.segment_value
where
    summary.cohort_event is null
    or recomputed.cohort_event is null
    or summary.cohort_size != recomputed.cohort_size
    or summary.d1_retained_users != recomputed.d1_active_users
    or summary.d7_retained_users != recomputed.d7_active_users
    or summary.d30_retained_users != recomputed.d30_active_users
    or (summary.is_d1_complete and not recomputed.is_d1_all_observable)
    or (summary.is_d7_complete and not recomputed.is_d7_all_observable)
    or (summary.is_d30_complete and not recomputed.is_d30_all_observable)
    or (summary.is_d1_complete and summary.d1_retained_users != recomputed.d1_retained_users)
    or (summary.is_d7_complete and summary.d7_retained_users != recomputed.d7_retained_users)
    or (summary.is_d30_complete and summary.d30_retained_users != recomputed.d30_retained_users)
    or (summary.cohort_grain = 'day' and summary.is_d1_complete != recomputed.is_d1_all_observable)
    or (summary.cohort_grain = 'day' and summary.is_d7_complete != recomputed.is_d7_all_observable)
    or (summary.cohort_grain = 'day' and summary.is_d30_complete != recomputed.is_d30_all_observable)
