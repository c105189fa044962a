{#-
    One row per raw entity with the reconciliation identity of staging:
    raw rows = staged rows + quarantined rows + removed duplicates.
    raw_rows counts the base model, which holds every raw row once (the
    singular test assert_raw_rows_reconcile also checks it against the raw
    relation itself).
-#}
{{ config(materialized='table') }}

with

{% for source_name, table_name in raw_entities() %}
    {{ table_name }}_base as (

        select
            count(*) as raw_rows,
            sum(case when duplicate_rank > 1 then 1 else 0 end) as duplicate_rows,
            sum(pii_masked_values) as pii_masked_values
        from {{ ref('base_' ~ source_name ~ '__' ~ table_name) }}

    ),

    {{ table_name }}_staged as (

        select count(*) as staged_rows
        from {{ ref('stg_' ~ source_name ~ '__' ~ table_name) }}

    ),

{% endfor %}
quarantine as (

    select
        entity,
        count(*) as quarantined_rows
    from {{ ref('stg_quarantine__rows') }}
    group by entity

),

counted as (

    {% for source_name, table_name in raw_entities() %}
        select
            '{{ table_name }}' as entity,
            '{{ source_name }}' as source_name,
            {{ table_name }}_base.raw_rows,
            {{ table_name }}_staged.staged_rows,
            {{ table_name }}_base.duplicate_rows,
            {{ table_name }}_base.pii_masked_values
        from {{ table_name }}_base
        cross join {{ table_name }}_staged
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        counted.entity,
        counted.source_name,
        cast(counted.raw_rows as bigint) as raw_rows,
        cast(counted.staged_rows as bigint) as staged_rows,
        cast(coalesce(quarantine.quarantined_rows, 0) as bigint) as quarantined_rows,
        cast(coalesce(counted.duplicate_rows, 0) as bigint) as duplicate_rows,
        cast(coalesce(counted.pii_masked_values, 0) as bigint) as pii_masked_values,
        counted.raw_rows = counted.staged_rows
        + coalesce(quarantine.quarantined_rows, 0)
        + coalesce(counted.duplicate_rows, 0) as is_reconciled
    from counted
    left join quarantine
        on counted.entity = quarantine.entity

)

select * from final
