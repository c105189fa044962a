{#-
    A SQL type named as DuckDB names it (varchar, integer, ...), rendered for
    the adapter. Dispatchable: DuckDB returns the name as written
    (`default__sql_type`); Spark translates it with spark_type_of
    (macros/spark/spark_seeds.sql), the one DuckDB-to-Spark type map that
    the seeds and the contracts use too (varchar -> string, integer -> int).
-#}
{% macro sql_type(duckdb_type) -%}
    {{ return(adapter.dispatch('sql_type', 'ecomops')(duckdb_type)) }}
{%- endmacro %}

{% macro default__sql_type(duckdb_type) -%}
    {{ duckdb_type }}
{%- endmacro %}

{% macro spark__sql_type(duckdb_type) -%}
    {{ spark_type_of(duckdb_type) }}
{%- endmacro %}
