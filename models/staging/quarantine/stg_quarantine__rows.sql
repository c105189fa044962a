{#-
    Every raw row set aside by staging, from all 13 entities, with the first
    rule it failed. Only the surviving row of a natural key (duplicate_rank
    1) is judged; older duplicates are counted as removed duplicates, not
    quarantined. Personal values in raw_row are masked (phone) or hashed
    (full_name).
-#}
{{ config(materialized='table') }}

with

{% for source_name, table_name in raw_entities() %}
    {{ table_name }} as (

        select
            '{{ table_name }}' as entity,
            coalesce(natural_key, '(null)') as natural_key,
            quarantine_reason as rule,
            raw_row,
            loaded_at
        from {{ ref('base_' ~ source_name ~ '__' ~ table_name) }}
        where duplicate_rank = 1
            and quarantine_reason is not null

    ),

{% endfor %}
unioned as (

    {% for source_name, table_name in raw_entities() %}
        select
            entity,
            natural_key,
            rule,
            raw_row,
            loaded_at
        from {{ table_name }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

numbered as (

    -- Identical raw rows without a key are each kept: the occurrence number
    -- keeps their ids apart.
    select
        entity,
        natural_key,
        rule,
        raw_row,
        loaded_at,
        row_number() over (
            partition by entity, natural_key, raw_row
            order by loaded_at
        ) as occurrence
    from unioned

),

final as (

    select
        {{ surrogate_key(['entity', 'natural_key', 'raw_row', 'occurrence']) }} as quarantine_id,
        entity,
        natural_key,
        rule,
        raw_row,
        loaded_at
    from numbered

)

select * from final
