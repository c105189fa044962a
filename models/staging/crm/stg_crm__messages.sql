{#-
    Clean messages: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_crm__messages.
-#}
with

base as (

    select * from {{ ref('base_crm__messages') }}

),

final as (

    select
        message_id,
        user_id,
        message_channel,
        purpose,
        recall_step,
        is_marketing,
        campaign_id,
        sent_at,
        sent_date,
        clicked_at,
        is_clicked,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
