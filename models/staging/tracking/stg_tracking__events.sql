{#-
    Clean events: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_tracking__events.
-#}
with

base as (

    select * from {{ ref('base_tracking__events') }}

),

final as (

    select
        event_id,
        user_id,
        session_id,
        event_type,
        page,
        platform,
        traffic_source,
        channel,
        campaign_id,
        event_at,
        event_date,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
