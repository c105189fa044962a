{#-
    Clean users: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_shop__users.
-#}
with

base as (

    select * from {{ ref('base_shop__users') }}

),

final as (

    select
        user_id,
        registered_at,
        registered_date,
        birth_year,
        gender,
        city,
        device,
        acquisition_source,
        acquisition_channel,
        acquisition_campaign_id,
        referrer_user_id,
        phone_hash,
        full_name_hash,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
