{#-
    Clean experiments: one row per natural key (the latest loaded_at), only rows
    that pass every quarantine rule of base_growth__experiments.
-#}
with

base as (

    select * from {{ ref('base_growth__experiments') }}

),

final as (

    select
        assignment_id,
        experiment_id,
        user_id,
        group_name,
        assigned_at,
        assigned_date,
        loaded_at
    from base
    where duplicate_rank = 1
        and quarantine_reason is null

)

select * from final
