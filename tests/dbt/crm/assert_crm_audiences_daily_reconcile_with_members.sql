{#-
    fct_crm_audiences_daily and fct_crm_audience_members agree: per day and
    audience, member_count is the number of member rows, and eligible_users
    = member_count + members_excluded_unreachable + members_excluded_sms_cap.
    Also every member row's day and audience has a daily row. One row per
    disagreement.
-#}
with

daily as (

    select
        date_day,
        audience_name,
        eligible_users,
        members_excluded_unreachable,
        members_excluded_sms_cap,
        member_count
    from {{ ref('fct_crm_audiences_daily') }}

),

member_counts as (

    select
        date_day,
        audience_name,
        count(*) as member_rows
    from {{ ref('fct_crm_audience_members') }}
    group by date_day, audience_name

),

compared as (

    select
        coalesce(daily.date_day, member_counts.date_day) as date_day,
        coalesce(daily.audience_name, member_counts.audience_name) as audience_name,
        daily.member_count,
        coalesce(member_counts.member_rows, 0) as member_rows,
        daily.eligible_users,
        daily.members_excluded_unreachable,
        daily.members_excluded_sms_cap
    from daily
    full outer join member_counts
        on
            daily.date_day = member_counts.date_day
            and daily.audience_name = member_counts.audience_name

)

select * from compared
where
    member_count is null
    or member_count <> member_rows
    or eligible_users <> member_count + members_excluded_unreachable + members_excluded_sms_cap
