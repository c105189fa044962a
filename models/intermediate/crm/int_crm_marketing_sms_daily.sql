{#-
    One row per user and Asia/Shanghai day with at least one marketing SMS
    (stg_crm__messages: channel sms, is_marketing - recall steps and
    promotions; logistics notices are not marketing): the count the
    compliance cap (var churn_max_marketing_sms_per_user_day) limits.
-#}
with

messages as (

    select
        user_id,
        sent_date
    from {{ ref('stg_crm__messages') }}
    where message_channel = 'sms' and is_marketing

),

final as (

    select
        user_id,
        sent_date,
        count(*) as marketing_sms_sent
    from messages
    group by user_id, sent_date

)

select * from final
