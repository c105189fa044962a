{#-
    One row per Asia/Shanghai day of the data's window, audience of var
    crm_audiences and user the audience's rule selects that day (the spans of
    the three rule models, expanded to their days: the cost follows the
    members, not users x days), with whether the user can be reached on the
    audience's action channel that day, the marketing SMS the user got that
    day, and why the user is left out of the export, if so: unreachable, or
    sms_cap for an SMS audience when the user already got
    churn_max_marketing_sms_per_user_day marketing SMS that day. Rules are in
    _int_crm__models.yml.
-#}
{%- set sms_cap = var('churn_max_marketing_sms_per_user_day') | int %}
{{ config(materialized='table') }}

with

spans as (

    select
        audience_name,
        user_id,
        span_start_date,
        span_end_date,
        match_detail
    from {{ ref('int_crm_recall_step_spans') }}

    union all

    select
        audience_name,
        user_id,
        span_start_date,
        span_end_date,
        match_detail
    from {{ ref('int_crm_vip_at_risk_spans') }}

    union all

    select
        audience_name,
        user_id,
        span_start_date,
        span_end_date,
        match_detail
    from {{ ref('int_crm_festival_due_spans') }}

),

reachability as (

    select
        user_id,
        sms_reachable_from_date,
        push_reachable_from_date,
        wecom_reachable_from_date
    from {{ ref('int_crm_user_reachability') }}

),

marketing_sms as (

    select
        user_id,
        sent_date,
        marketing_sms_sent
    from {{ ref('int_crm_marketing_sms_daily') }}

),

audiences as (

    {{ crm_audience_rows() }}

),

days as (

    {{ day_spine(first_data_date(), last_data_date()) }}

),

-- a user can match one audience on one day through several spans (two
-- festivals, both vip_at_risk conditions): one row, the reasons listed
span_days as (

    select distinct
        days.date_day,
        spans.audience_name,
        spans.user_id,
        spans.match_detail
    from spans
    inner join days
        on
            spans.span_start_date <= days.date_day
            and spans.span_end_date >= days.date_day

),

matched_days as (

    select
        date_day,
        audience_name,
        user_id,
        {{ ordered_listagg('match_detail', "','", 'match_detail') }} as match_detail
    from span_days
    group by date_day, audience_name, user_id

),

judged as (

    select
        matched_days.date_day,
        matched_days.audience_name,
        matched_days.user_id,
        audiences.action_channel,
        matched_days.match_detail,
        coalesce(
            case audiences.action_channel
                when 'sms' then reachability.sms_reachable_from_date <= matched_days.date_day
                when 'push' then reachability.push_reachable_from_date <= matched_days.date_day
                when 'wecom' then reachability.wecom_reachable_from_date <= matched_days.date_day
            end,
            false
        ) as is_reachable,
        coalesce(marketing_sms.marketing_sms_sent, 0) as marketing_sms_sent
    from matched_days
    inner join audiences
        on matched_days.audience_name = audiences.audience_name
    left join reachability
        on matched_days.user_id = reachability.user_id
    left join marketing_sms
        on
            matched_days.user_id = marketing_sms.user_id
            and matched_days.date_day = marketing_sms.sent_date

),

final as (

    select
        date_day,
        audience_name,
        user_id,
        action_channel,
        match_detail,
        is_reachable,
        marketing_sms_sent,
        cast(
            case
                when not is_reachable then 'unreachable'
                when action_channel = 'sms' and marketing_sms_sent >= {{ sms_cap }} then 'sms_cap'
            end as {{ dbt.type_string() }}
        ) as exclusion_reason
    from judged

)

select * from final
