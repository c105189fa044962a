{#-
    Cast that yields null instead of failing when the value does not convert
    (DuckDB and Spark: try_cast). Staging compares the raw text with the
    result to quarantine values that do not cast (rule invalid_value).
    This root-project macro overrides dbt's built-in safe_cast (a plain cast
    on DuckDB); dbt's unit-test fixtures use it too.
-#}
{% macro safe_cast(expr, type) -%}
    {{ return(adapter.dispatch('safe_cast', 'ecomops')(expr, type)) }}
{%- endmacro %}

{% macro default__safe_cast(expr, type) -%}
    try_cast({{ expr }} as {{ type }})
{%- endmacro %}
