{#-
    Audience sizes per Asia/Shanghai day of the data's window and audience of
    var crm_audiences, zero-filled (every day x audience has a row): users the
    rule selected, those left out (unreachable on the action channel; at the
    daily marketing SMS cap) and the members exported. Definitions are in
    _crm__models.yml.
-#}
with

candidates as (

    select
        date_day,
        audience_name,
        exclusion_reason
    from {{ ref('int_crm_audience_candidates') }}

),

audiences as (

    {{ crm_audience_rows() }}

),

days as (

    {{ day_spine(first_data_date(), last_data_date()) }}

),

counts as (

    select
        date_day,
        audience_name,
        count(*) as eligible_users,
        count(case when exclusion_reason = 'unreachable' then 1 end) as members_excluded_unreachable,
        count(case when exclusion_reason = 'sms_cap' then 1 end) as members_excluded_sms_cap,
        count(case when exclusion_reason is null then 1 end) as member_count
    from candidates
    group by date_day, audience_name

),

final as (

    select
        cast(days.date_day as date) as date_day,
        cast(audiences.audience_name as {{ dbt.type_string() }}) as audience_name,
        cast(audiences.audience_rule as {{ dbt.type_string() }}) as audience_rule,
        cast(audiences.action_channel as {{ dbt.type_string() }}) as action_channel,
        cast(coalesce(counts.eligible_users, 0) as bigint) as eligible_users,
        cast(coalesce(counts.members_excluded_unreachable, 0) as bigint) as members_excluded_unreachable,
        cast(coalesce(counts.members_excluded_sms_cap, 0) as bigint) as members_excluded_sms_cap,
        cast(coalesce(counts.member_count, 0) as bigint) as member_count
    from days
    cross join audiences
    left join counts
        on
            days.date_day = counts.date_day
            and audiences.audience_name = counts.audience_name

)

select * from final
