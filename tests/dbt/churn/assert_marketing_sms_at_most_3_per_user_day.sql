{#-
    Compliance (PIPL / carrier rules as the reports state them): a user
    receives at most var churn_max_marketing_sms_per_user_day (3) marketing
    SMS (recall steps and promotions; logistics notices are not marketing)
    per Asia/Shanghai day. Fails the build with one row per offending user
    and day; the rows are stored (store_failures) so the log names the
    table that lists them.
-#}
{{ config(store_failures = true, severity = 'error') }}

with

messages as (

    select
        message_id,
        user_id,
        message_channel,
        is_marketing,
        sent_date
    from {{ ref('stg_crm__messages') }}

),

marketing_sms as (

    select
        message_id,
        user_id,
        sent_date
    from messages
    where message_channel = 'sms' and is_marketing

),

per_user_day as (

    select
        user_id,
        sent_date,
        count(*) as marketing_sms_count,
        min(message_id) as first_message_id,
        max(message_id) as last_message_id
    from marketing_sms
    group by user_id, sent_date

),

final as (

    select
        user_id,
        sent_date,
        marketing_sms_count,
        {{ var('churn_max_marketing_sms_per_user_day', 3) }} as allowed_per_day,
        first_message_id,
        last_message_id
    from per_user_day
    where marketing_sms_count > {{ var('churn_max_marketing_sms_per_user_day', 3) }}

)

select * from final
