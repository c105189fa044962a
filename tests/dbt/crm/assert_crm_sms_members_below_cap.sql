{#-
    Compliance: no member of an SMS audience (fct_crm_audience_members,
    action_channel sms) had already received var
    churn_max_marketing_sms_per_user_day (3) marketing SMS (channel sms,
    recall or promotion) on the Asia/Shanghai day of membership. Recounted
    here from stg_crm__messages, not from the CRM models' own count. One row
    per offending member and day.
-#}
{{ config(severity = 'error') }}

with

members as (

    select
        date_day,
        audience_name,
        user_id
    from {{ ref('fct_crm_audience_members') }}
    where action_channel = 'sms'

),

marketing_sms as (

    select
        user_id,
        sent_date,
        count(*) as marketing_sms_sent
    from {{ ref('stg_crm__messages') }}
    where message_channel = 'sms' and purpose in ('recall_1', 'recall_2', 'recall_3', 'promotion')
    group by user_id, sent_date

),

final as (

    select
        members.date_day,
        members.audience_name,
        members.user_id,
        marketing_sms.marketing_sms_sent,
        {{ var('churn_max_marketing_sms_per_user_day', 3) }} as allowed_per_day
    from members
    inner join marketing_sms
        on
            members.user_id = marketing_sms.user_id
            and members.date_day = marketing_sms.sent_date
    where marketing_sms.marketing_sms_sent >= {{ var('churn_max_marketing_sms_per_user_day', 3) }}

)

select * from final
