-- Quarantined raw rows counted by entity and rule (the reason a row was set
-- aside). The rows themselves, with their masked raw content, stay in
-- staging.stg_quarantine__rows.
select
    entity,
    rule,
    count(*) as quarantined_rows,
    min(loaded_at) as first_loaded_at,
    max(loaded_at) as last_loaded_at
from {{ ref('stg_quarantine__rows') }}
group by entity, rule
