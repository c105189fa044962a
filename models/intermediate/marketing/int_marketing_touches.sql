{#-
    One row per marketing touch of a user: each tracked session (its channel
    and campaign are those of the session's landing event) and each clicked
    marketing CRM message (recall and promotion; logistics notices are service
    messages, not touches). Direct sessions are kept, flagged is_direct.
-#}
{{ config(materialized='table') }}
{%- set crm_channels = var('marketing_crm_message_channels') -%}

with

events as (
    select * from {{ ref('stg_tracking__events') }}
),

messages as (
    select * from {{ ref('stg_crm__messages') }}
),

session_events_ranked as (
    select
        user_id,
        session_id,
        event_at,
        channel,
        campaign_id,
        row_number() over (
            partition by user_id, session_id
            order by event_at, event_id
        ) as event_rank
    from events
),

session_touches as (
    select
        'session' as touch_type,
        session_id,
        cast(null as bigint) as message_id,
        user_id,
        event_at as touched_at,
        channel,
        campaign_id
    from session_events_ranked
    where event_rank = 1
),

crm_click_touches as (
    select
        'crm_click' as touch_type,
        cast(null as bigint) as session_id,
        message_id,
        user_id,
        clicked_at as touched_at,
        case message_channel
            {%- for message_channel, channel in crm_channels.items() %}
                when '{{ message_channel }}' then '{{ channel }}'
            {%- endfor %}
            else 'other'
        end as channel,
        campaign_id
    from messages
    where is_clicked and is_marketing
),

unioned as (
    select
        touch_type,
        session_id,
        message_id,
        user_id,
        touched_at,
        channel,
        campaign_id
    from session_touches
    union all
    select
        touch_type,
        session_id,
        message_id,
        user_id,
        touched_at,
        channel,
        campaign_id
    from crm_click_touches
),

final as (
    select
        {{ dbt.concat(["touch_type", "'-'", "cast(coalesce(session_id, message_id) as " ~ dbt.type_string() ~ ")"]) }}
            as touch_id,
        user_id,
        touched_at,
        {{ to_shanghai_date('touched_at') }} as touch_date,
        channel,
        campaign_id,
        touch_type,
        session_id,
        message_id,
        channel = 'direct' as is_direct
    from unioned
)

select * from final
