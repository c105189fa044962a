{#-
    A ranking window function (row_number(), rank(), dense_rank() ... over
    (...)) as a bigint, the type DuckDB gives it; Spark gives it int, which
    an enforced contract declaring bigint rejects. Dispatchable: DuckDB
    returns the expression as written, Spark casts it.
-#}
{% macro bigint_rank(window_expression) -%}
    {{ return(adapter.dispatch('bigint_rank', 'ecomops')(window_expression)) }}
{%- endmacro %}

{% macro default__bigint_rank(window_expression) -%}
    {{ window_expression }}
{%- endmacro %}

{% macro spark__bigint_rank(window_expression) -%}
    cast({{ window_expression }} as {{ dbt.type_bigint() }})
{%- endmacro %}
