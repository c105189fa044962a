{#-
    Asia/Shanghai calendar day of a UTC timestamp. China Standard Time is
    UTC+8 all year: no daylight saving time since 1991, so adding 8 hours is
    exact for every date this project handles. Dispatchable so that an
    adapter with real time-zone support can convert instead.
-#}
{% macro to_shanghai_date(expr) -%}
    {{ return(adapter.dispatch('to_shanghai_date', 'ecomops')(expr)) }}
{%- endmacro %}

{% macro default__to_shanghai_date(expr) -%}
    cast({{ dbt.dateadd('hour', 8, expr) }} as date)
{%- endmacro %}
