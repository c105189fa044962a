{#
    Custom schemas are used as they are (raw, staging, intermediate, marts,
    ...) instead of dbt's default "<target schema>_<custom schema>", so that a
    BI tool reads marts.fct_orders whatever the target is.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
