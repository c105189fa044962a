{#-
    Deduplication of one raw entity: select from the CTE `relation` (which
    has the typed key columns, loaded_at, row_fingerprint and raw_row) with
    three columns added:

    - duplicate_rank: 1 for a row staging judges (it is either staged or
      quarantined), 2 and more for a removed duplicate. Per key, the row of
      the latest loaded_at wins; older loads and exact copies (same
      loaded_at, same fingerprint) are duplicates. A row without a key or
      without a usable loaded_at is always judged (quarantined): a
      re-delivery that cannot be ordered is never counted as a duplicate.
    - has_conflicting_versions: true for every row of a key whose rows at
      the latest loaded_at differ in content (their fingerprints, salted
      hashes over every raw column, personal data included). Each distinct
      version is judged (duplicate_rank 1) and quarantined as
      conflicting_duplicate: no choice between them depends on file order.
    - key_rank: the row's number within its key (latest loaded_at first,
      then fingerprint): unique per key, the base model's primary key.
    - is_key_version: exactly one row per non-null key (the first by
      loaded_at desc, then fingerprint), the row child entities look up.
-#}
{% macro rank_versions(relation, key_columns) -%}
    {%- set keys = key_columns | join(', ') -%}
    {%- set key_is_null = [] -%}
    {%- set key_matches = [] -%}
    {%- set key_counts_keys = [] -%}
    {%- for column in key_columns -%}
        {%- do key_is_null.append(column ~ ' is null') -%}
        {%- do key_matches.append(relation ~ '.' ~ column ~ ' = key_counts.' ~ column) -%}
        {%- do key_counts_keys.append(relation ~ '.' ~ column) -%}
    {%- endfor -%}
    {%- set single_row_keys = 'select ' ~ key_counts_keys | join(', ') ~ ' from ' ~ relation
        ~ ' group by ' ~ key_counts_keys | join(', ') ~ ' having count(*) = 1' -%}
    {#- Most keys have one raw row: they need no window. Rows of keys with
        several rows, and rows without a key, are ranked by the windows.
        Every row of a key goes the same way, so the ranks are those the
        windows give all rows (each base model's *_versions unit test, with
        copies, older loads and conflicts, proves it). -#}
    select
        versions.*,
        case
            when {{ key_is_null | join(' or ') }} then 1
            when versions.loaded_at is null then 1
            when versions.key_rank = 1 then 1
            when versions.has_conflicting_versions
                and versions.loaded_at = versions.latest_loaded_at
                and versions.copy_number = 1
                then 1
            else versions.key_rank
        end as duplicate_rank,
        coalesce(not ({{ key_is_null | join(' or ') }}) and versions.key_rank = 1, false) as is_key_version
    from (
        select
            {{ relation }}.*,
            {{ relation }}.loaded_at as latest_loaded_at,
            cast(1 as bigint) as key_rank,
            cast(1 as bigint) as copy_number,
            false as has_conflicting_versions
        from {{ relation }}
        inner join ({{ single_row_keys }}) as key_counts
            on {{ key_matches | join(' and ') }}

        union all

        select
            keyed.*,
            -- Exact copies of one version at one load, the first by key_rank.
            row_number() over (
                partition by {{ keys }}, keyed.loaded_at, keyed.row_fingerprint
                order by keyed.key_rank
            ) as copy_number,
            case
                when {{ key_is_null | join(' or ') }} then false
                else coalesce(
                    min(case when keyed.loaded_at = keyed.latest_loaded_at then keyed.row_fingerprint end)
                        over (partition by {{ keys }})
                    <> max(case when keyed.loaded_at = keyed.latest_loaded_at then keyed.row_fingerprint end)
                        over (partition by {{ keys }}),
                    false
                )
            end as has_conflicting_versions
        from (
            select
                several.*,
                max(several.loaded_at) over (partition by {{ keys }}) as latest_loaded_at,
                row_number() over (
                    partition by {{ keys }}
                    order by several.loaded_at desc nulls last, several.row_fingerprint, several.raw_row
                ) as key_rank
            from (
                select {{ relation }}.*
                from {{ relation }}
                left join ({{ single_row_keys }}) as key_counts
                    on {{ key_matches | join(' and ') }}
                where key_counts.{{ key_columns[0] }} is null
            ) as several
        ) as keyed
    ) as versions
{%- endmacro %}

{#- Salted fingerprint of a raw row: every raw column, personal ones
    included, so that two versions differing only in a phone number differ.
    Never reversible without the salt. -#}
{% macro row_fingerprint(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce('=' || cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '~')") -%}
    {%- endfor -%}
    {{ salted_hash(parts | join(" || '|' || ")) }}
{%- endmacro %}

{#-
    The quarantine rules every entity shares, as `when ... then ...` lines
    of the final reason case, in order: a line the reader could not parse,
    a missing key, a missing or unparseable loaded_at, conflicting versions,
    a value that does not cast, money beyond the cent, an implausible
    timestamp. Entity rules follow them in each base model.
-#}
{% macro shared_quarantine_rules(relation=none, has_money=true) -%}
    {%- set prefix = (relation ~ '.') if relation else '' -%}
    {%- set rules = [
        ['raw_line_number is not null', "'unreadable_line'"],
        ['is_key_missing', "'null_key'"],
        ['loaded_at is null', "'missing_loaded_at'"],
        ['has_conflicting_versions', "'conflicting_duplicate'"],
        ['has_invalid_value', "'invalid_value'"],
    ] -%}
    {%- if has_money -%}
        {%- do rules.append(['has_sub_cent_money', "'money_sub_cent'"]) -%}
    {%- endif -%}
    {%- do rules.append(['implausible_timestamp_rule is not null', prefix ~ 'implausible_timestamp_rule']) -%}
    {%- set lines = [] -%}
    {%- for condition, rule in rules -%}
        {%- do lines.append('when ' ~ prefix ~ condition ~ ' then ' ~ rule) -%}
    {%- endfor -%}
    {{ lines | join('\n            ') }}
{%- endmacro %}
