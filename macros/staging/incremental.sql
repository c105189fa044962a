{#-
    Incremental base models (docs/incremental.md).

    incremental_materialization(): 'incremental' where the adapter's
    delete+insert is proved equal to a full refresh (DuckDB:
    make test-incremental; Spark, through macros/spark/spark_incremental.sql:
    make test-spark-incremental), 'table' on any other adapter.

    increment_cutoff(relation): a scalar subquery, the cutoff: the latest
    loaded_at among the rows of `relation` that were staged (no quarantine
    reason) minus var incremental_lookback_days, or 1900-01-01 when none is
    staged yet. Rows quarantined as timestamp_in_future do not count: their
    loaded_at is after the build's clock and would move the cutoff past new
    rows.

    increment_filter(key, loaded_at, rows, parent=none): the where condition
    of the raw rows a run judges. On a full refresh: true (every row). On an
    increment: every row whose key is missing or unreadable (one bucket,
    re-judged each run), and every row of a key that has a raw row in `rows`
    loaded at or after the cutoff or with no readable loaded_at, or whose
    parent row was (parent: a dict with fk = the row's parent key as SQL,
    relation = the parent base model, key = its key column; its loaded_at is
    typed already; optional parent = the parent's own parent, as a dict of
    the same shape whose fk is a column of the parent relation, and so on up
    the chain). A key is judged from all its raw rows, so dedupe and
    conflicts come out as in a full refresh.

    rejudged_keys(parent, cutoff, depth): the keys of `parent` an increment
    re-judged: those with a row loaded at or after the cutoff or with no
    readable loaded_at, or whose own parent's key was re-judged (an order
    of a user turned test account is re-judged, and so are its items).
-#}
{% macro incremental_materialization() -%}
    {{ return(adapter.dispatch('incremental_materialization', 'ecomops')()) }}
{%- endmacro %}

{% macro default__incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{% macro duckdb__incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro increment_cutoff(relation) -%}
    {%- set lookback = var('incremental_lookback_days', 3) | int -%}
    {%- if lookback < 0 -%}
        {{ exceptions.raise_compiler_error(
            "var incremental_lookback_days must be 0 or more days, got " ~ lookback) }}
    {%- endif -%}
    {%- set latest = dbt.dateadd('day', -1 * lookback, 'max(staged_rows.loaded_at)') | trim -%}
    {%- set floor = "cast('1900-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")" -%}
    {{ return("(select coalesce(" ~ latest ~ ", " ~ floor ~ ") from " ~ relation
        ~ " as staged_rows where staged_rows.quarantine_reason is null)") }}
{%- endmacro %}

{% macro increment_filter(key, loaded_at, rows, parent=none) -%}
    {#- A unit test that does not give `this` has no table to add to: it
        judges every row, as a full refresh does. -#}
    {%- if this is none or not is_incremental() -%}
        true
    {%- else -%}
        {%- set cutoff = increment_cutoff(this) -%}
        {%- set changed_parent = '' -%}
        {%- if parent is not none -%}
            {%- set changed_parent = ' or ' ~ parent.fk ~ ' in (' ~ rejudged_keys(parent, cutoff) ~ ')' -%}
        {%- endif -%}
        ({{ key }} is null or {{ key }} in (
            select {{ key }}
            from {{ rows }} as increment_rows
            where
                {{ loaded_at }} is null
                or {{ loaded_at }} >= {{ cutoff }}{{ changed_parent }}
        ))
    {%- endif -%}
{%- endmacro %}

{% macro rejudged_keys(parent, cutoff, depth=1) -%}
    {%- set alias = 'parent_rows_' ~ depth -%}
    {%- set sql = 'select ' ~ alias ~ '.' ~ parent.key ~ ' from ' ~ parent.relation ~ ' as ' ~ alias
        ~ ' where ' ~ alias ~ '.loaded_at is null or ' ~ alias ~ '.loaded_at >= ' ~ cutoff -%}
    {%- if parent.parent is defined and parent.parent is not none -%}
        {%- set sql = sql ~ ' or ' ~ alias ~ '.' ~ parent.parent.fk ~ ' in ('
            ~ rejudged_keys(parent.parent, cutoff, depth + 1) ~ ')' -%}
    {%- endif -%}
    {{ return(sql) }}
{%- endmacro %}
