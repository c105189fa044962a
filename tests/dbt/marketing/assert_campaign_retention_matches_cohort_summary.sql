-- One definition of D1 / D30 retention: the acquired-user retention of
-- fct_campaign_performance agrees with fct_cohort_retention_summary for the same
-- users (cohort_event registration, activity_type any_event, monthly cohorts of
-- the first_campaign segment, whose value is the campaign's label). Per campaign:
-- new_users = the summary's cohort sizes summed over the campaign's months; and
-- dN_cohort_users / dN_retained_users (N = 1, 30) = the summary's cohort_size /
-- dN_retained_users of the months whose day-N cell is complete, plus, for the
-- months still incomplete in the summary, the users int_user_day_n_retention
-- counts as observable / retained. Where the summary publishes a day-N rate, the
-- campaign mart therefore counts exactly its users. Returns the campaigns that
-- disagree.
with

campaigns as (

    select * from {{ ref('fct_campaign_performance') }}

),

-- the campaign's label in the summary's first_campaign segment, per month
acquired as (

    select
        user_id,
        acquisition_campaign_id as campaign_id,
        first_campaign,
        cohort_month_start_date
    from {{ ref('int_retention_cohort_users') }}
    where cohort_event = 'registration' and acquisition_campaign_id is not null

),

campaign_months as (

    select distinct
        campaign_id,
        first_campaign,
        cohort_month_start_date
    from acquired

),

summary as (

    select * from {{ ref('fct_cohort_retention_summary') }}
    where
        cohort_event = 'registration'
        and activity_type = 'any_event'
        and cohort_grain = 'month'
        and segment_dimension = 'first_campaign'

),

day_n as (

    select * from {{ ref('int_user_day_n_retention') }}
    where cohort_event = 'registration' and activity_type = 'any_event'

),

user_counts as (

    select
        acquired.campaign_id,
        acquired.cohort_month_start_date,
        sum(case when day_n.is_d1_observable then 1 else 0 end) as d1_observable_users,
        sum(case when day_n.is_d1_retained then 1 else 0 end) as d1_retained_users,
        sum(case when day_n.is_d30_observable then 1 else 0 end) as d30_observable_users,
        sum(case when day_n.is_d30_retained then 1 else 0 end) as d30_retained_users
    from acquired
    inner join day_n
        on acquired.user_id = day_n.user_id
    group by
        acquired.campaign_id,
        acquired.cohort_month_start_date

),

expected as (

    select
        campaign_months.campaign_id,
        sum(summary.cohort_size) as new_users,
        sum(
            case when summary.is_d1_complete then summary.cohort_size else user_counts.d1_observable_users end
        ) as d1_cohort_users,
        sum(
            case
                when summary.is_d1_complete then summary.d1_retained_users else user_counts.d1_retained_users
            end
        ) as d1_retained_users,
        sum(
            case when summary.is_d30_complete then summary.cohort_size else user_counts.d30_observable_users end
        ) as d30_cohort_users,
        sum(
            case
                when summary.is_d30_complete then summary.d30_retained_users else user_counts.d30_retained_users
            end
        ) as d30_retained_users
    from campaign_months
    left join summary
        on
            campaign_months.first_campaign = summary.segment_value
            and campaign_months.cohort_month_start_date = summary.cohort_start_date
    left join user_counts
        on
            campaign_months.campaign_id = user_counts.campaign_id
            and campaign_months.cohort_month_start_date = user_counts.cohort_month_start_date
    group by campaign_months.campaign_id

)

select
    campaigns.campaign_id,
    campaigns.new_users,
    expected.new_users as summary_new_users,
    campaigns.d1_cohort_users,
    expected.d1_cohort_users as summary_d1_cohort_users,
    campaigns.d1_retained_users,
    expected.d1_retained_users as summary_d1_retained_users,
    campaigns.d30_cohort_users,
    expected.d30_cohort_users as summary_d30_cohort_users,
    campaigns.d30_retained_users,
    expected.d30_retained_users as summary_d30_retained_users
from campaigns
left join expected
    on campaigns.campaign_id = expected.campaign_id
where
    coalesce(expected.new_users, 0) != campaigns.new_users
    or coalesce(expected.d1_cohort_users, 0) != campaigns.d1_cohort_users
    or coalesce(expected.d1_retained_users, 0) != campaigns.d1_retained_users
    or coalesce(expected.d30_cohort_users, 0) != campaigns.d30_cohort_users
    or coalesce(expected.d30_retained_users, 0) != campaigns.d30_retained_users
