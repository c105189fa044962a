{#-
    Clean channel spend: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_marketing__channel_spend.
-#}
with

base as (

    select * from {{ ref('base_marketing__channel_spend') }}

),

final as (

    select
        channel_spend_id,
        spend_date,
        channel,
        campaign_id,
        spend_cny,
        impressions,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
