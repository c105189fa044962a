{#-
    Clean returns: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_logistics__returns.
-#}
with

base as (

    select * from {{ ref('base_logistics__returns') }}

),

final as (

    select
        return_id,
        order_id,
        requested_at,
        requested_date,
        return_reason,
        refund_amount_cny,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
