{#-
    Cast that yields null instead of failing when the value does not convert
    (DuckDB and Spark: try_cast). Staging compares the raw text with the
    result to quarantine values that do not cast (rule invalid_value).
    Integer types are strict: the text must be an optional sign and digits
    ('5.5' is not silently rounded to 6, as a plain try_cast would), or
    such digits with a fraction of zeros only ('17.0', '17.'): the spelling
    pandas and spreadsheets give a nullable integer column, repaired to the
    integer it names (the part before the point).
    This root-project macro overrides dbt's built-in safe_cast (a plain cast
    on DuckDB); dbt's unit-test fixtures use it too.
-#}
{% macro safe_cast(expr, type) -%}
    {{ return(adapter.dispatch('safe_cast', 'ecomops')(expr, type)) }}
{%- endmacro %}

{% macro default__safe_cast(expr, type) -%}
    {%- if (type | lower | trim) in ('integer', 'int', 'bigint', 'smallint', 'tinyint', 'hugeint', 'int4', 'int8') -%}
        case
            when regexp_full_match(trim(cast({{ expr }} as {{ dbt.type_string() }})), '[+-]?[0-9]+')
                then try_cast({{ expr }} as {{ type }})
            when regexp_full_match(trim(cast({{ expr }} as {{ dbt.type_string() }})), '[+-]?[0-9]+[.]0*')
                then try_cast(split_part(trim(cast({{ expr }} as {{ dbt.type_string() }})), '.', 1) as {{ type }})
        end
    {%- else -%}
        try_cast({{ expr }} as {{ type }})
    {%- endif -%}
{%- endmacro %}

{#- Spark: try_cast; the strict integer check is rlike with explicit anchors
    (rlike searches, as DuckDB's regexp_matches does). -#}
{% macro spark__safe_cast(expr, type) -%}
    {%- if (type | lower | trim) in ('integer', 'int', 'bigint', 'smallint', 'tinyint', 'hugeint', 'int4', 'int8') -%}
        case
            when trim(cast({{ expr }} as {{ dbt.type_string() }})) rlike '^[+-]?[0-9]+$'
                then try_cast({{ expr }} as {{ type }})
            when trim(cast({{ expr }} as {{ dbt.type_string() }})) rlike '^[+-]?[0-9]+[.]0*$'
                then try_cast(split_part(trim(cast({{ expr }} as {{ dbt.type_string() }})), '.', 1) as {{ type }})
        end
    {%- else -%}
        try_cast({{ expr }} as {{ type }})
    {%- endif -%}
{%- endmacro %}
