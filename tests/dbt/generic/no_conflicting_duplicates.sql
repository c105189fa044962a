{#-
    Fails when a row removed as a duplicate (duplicate_rank > 1) differs in
    content from a judged row of its key loaded at the same time: only exact
    copies may be removed at one load time. Two versions of a key at its
    latest load are a conflict that staging quarantines
    (conflicting_duplicate, every version judged), so which version reaches
    the marts never depends on file order; this test proves no such version
    is silently removed instead. Content is compared by row_fingerprint (a
    salted hash over every raw column, personal data included: two rows
    differing only in a phone number differ). Applied to the base_ models.
    Returns one row per offending key and load time.
-#}
{% test no_conflicting_duplicates(model, key_column) %}

with

raw_rows as (

    select
        {{ key_column }} as key_value,
        loaded_at,
        row_fingerprint,
        duplicate_rank
    from {{ model }}
    where {{ key_column }} is not null

),

kept_rows as (

    select
        key_value,
        loaded_at,
        row_fingerprint
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
        and raw_rows.row_fingerprint != kept_rows.row_fingerprint
    group by raw_rows.key_value, raw_rows.loaded_at

)

select * from final

{% endtest %}
