{#-
    Fails when two raw rows of the same natural key were loaded at the same
    time with different content: staging keeps the latest load of a key, and
    for such a tie no load is the latest, so which version reaches the marts
    would be arbitrary. Exact re-exports (same content) and later loads are
    fine. Applied to the base_ models (one row per raw row, with
    duplicate_rank 1 = the row staging keeps, loaded_at and raw_row).
    Returns one row per conflicting key and load time.
-#}
{% test no_conflicting_duplicates(model, key_column) %}

with

raw_rows as (

    select
        {{ key_column }} as key_value,
        loaded_at,
        raw_row,
        duplicate_rank
    from {{ model }}
    where {{ key_column }} is not null

),

kept_rows as (

    select
        key_value,
        loaded_at,
        raw_row
    from raw_rows
    where duplicate_rank = 1

),

final as (

    select
        raw_rows.key_value as {{ key_column }},
        raw_rows.loaded_at,
        count(*) as conflicting_rows
    from raw_rows
    inner join kept_rows
        on
            raw_rows.key_value = kept_rows.key_value
            and raw_rows.loaded_at = kept_rows.loaded_at
    where
        raw_rows.duplicate_rank > 1
        and raw_rows.raw_row != kept_rows.raw_row
    group by raw_rows.key_value, raw_rows.loaded_at

)

select * from final

{% endtest %}
