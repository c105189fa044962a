{#- accepted_values on a boolean column (values: [true]): dbt quotes each
    value, and DuckDB reads `is_reconciled not in ('True')` by casting the
    text to boolean; Spark's ANSI mode rejects a boolean compared with a
    string. This override of dbt's accepted_values writes the values
    unquoted when every one is a boolean, and is dbt's own otherwise. -#}
{% macro spark__test_accepted_values(model, column_name, values, quote=True) -%}
    {%- set booleans = values | select('sameas', true) | list + values | select('sameas', false) | list -%}
    {%- set unquoted = quote and values | length > 0 and booleans | length == values | length -%}
    {{ return(default__test_accepted_values(model, column_name, values, quote=(false if unquoted else quote))) }}
{%- endmacro %}
