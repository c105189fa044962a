{#-
    ISO 8601 date parts of a date expression: the day of the week (Monday 1
    to Sunday 7) and the year the ISO week belongs to. Dispatchable: DuckDB
    names them isodow / isoyear, Spark DAYOFWEEK_ISO / YEAROFWEEK (its week
    field is the ISO week on both engines, so extract(week ...) needs no
    macro).
-#}
{% macro iso_day_of_week(expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'ecomops')(expr)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(expr) -%}
    extract(isodow from {{ expr }})
{%- endmacro %}

{% macro spark__iso_day_of_week(expr) -%}
    extract(dayofweek_iso from {{ expr }})
{%- endmacro %}

{% macro iso_year(expr) -%}
    {{ return(adapter.dispatch('iso_year', 'ecomops')(expr)) }}
{%- endmacro %}

{% macro default__iso_year(expr) -%}
    extract(isoyear from {{ expr }})
{%- endmacro %}

{% macro spark__iso_year(expr) -%}
    extract(yearofweek from {{ expr }})
{%- endmacro %}
