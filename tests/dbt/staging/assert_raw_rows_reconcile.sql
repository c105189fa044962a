{#-
    Every raw row is accounted for: for each entity, the rows of the raw
    relation (seed or file, unreadable CSV lines included) equal the rows
    of its base model, and
    raw = staged + quarantined + removed duplicates. Returns the entities
    where either fails.
-#}
with

{#- Every column is read: DuckDB's CSV reader checks a value's encoding
    only when it reads the value, so a plain count(*) would count a badly
    encoded line as a row (which the reader also adds as an unreadable line). -#}
{% for source_name, table_name in raw_entities() %}
    {%- set counted = ['count(*)'] -%}
    {%- if execute -%}
        {%- set names = ["'row'", 'raw_line_shape'] -%}
        {%- for column in raw_contract_columns(source_name, table_name) -%}
            {%- do names.append(column.name) -%}
        {%- endfor -%}
        {%- do counted.append('count(concat_ws(' ~ "'|', " ~ names | join(', ') ~ '))') -%}
    {%- endif %}
    {{ table_name }}_raw as (

        select
            '{{ table_name }}' as entity,
            {{ counted[-1] }} as raw_relation_rows
        from {{ raw_source(source_name, table_name) }}

    ),

{% endfor %}
raw_counts as (

    {% for source_name, table_name in raw_entities() %}
        select
            entity,
            raw_relation_rows
        from {{ table_name }}_raw
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

reconciliation as (

    select
        entity,
        raw_rows,
        staged_rows,
        quarantined_rows,
        duplicate_rows
    from {{ ref('int_raw_rows_reconciled') }}

),

final as (

    select
        raw_counts.entity,
        raw_counts.raw_relation_rows,
        reconciliation.raw_rows,
        reconciliation.staged_rows,
        reconciliation.quarantined_rows,
        reconciliation.duplicate_rows
    from raw_counts
    left join reconciliation
        on raw_counts.entity = reconciliation.entity
    where reconciliation.entity is null
        or raw_counts.raw_relation_rows != reconciliation.raw_rows
        or reconciliation.raw_rows
        != reconciliation.staged_rows + reconciliation.quarantined_rows + reconciliation.duplicate_rows

)

select * from final
