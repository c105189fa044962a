{#-
    Clean member tiers: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_crm__member_tiers.
-#}
with

base as (

    select * from {{ ref('base_crm__member_tiers') }}

),

final as (

    select
        tier_change_id,
        user_id,
        from_tier,
        to_tier,
        changed_at,
        changed_date,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
