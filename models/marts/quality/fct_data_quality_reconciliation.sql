-- One row per raw entity: raw rows = staged + quarantined + removed
-- duplicates, as the data-quality page and BI read it.
select
    entity,
    source_name,
    raw_rows,
    staged_rows,
    quarantined_rows,
    duplicate_rows,
    pii_masked_values,
    is_reconciled
from {{ ref('int_raw_rows_reconciled') }}
