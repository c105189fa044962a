{#-
    Clean campaigns: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_marketing__campaigns.
-#}
with

base as (

    select * from {{ ref('base_marketing__campaigns') }}

),

final as (

    select
        campaign_id,
        campaign_name,
        campaign_type,
        start_date,
        end_date,
        budget_cny,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
