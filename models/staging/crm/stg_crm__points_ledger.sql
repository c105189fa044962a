{#-
    Clean points ledger: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_crm__points_ledger.
-#}
with

base as (

    select * from {{ ref('base_crm__points_ledger') }}

),

final as (

    select
        entry_id,
        user_id,
        entry_type,
        reason,
        points,
        points_delta,
        order_id,
        occurred_at,
        occurred_date,
        is_farming_suspected,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
