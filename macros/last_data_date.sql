{#-
    The last Asia/Shanghai day the data has fully seen, as a SQL date
    expression: var data_end_date when set (the default), else the last day
    with any recorded user activity (event or order). Every area's
    completeness flags, windows and as-of days read this one definition.
-#}
{% macro last_data_date() -%}
    {%- if var('data_end_date', '') -%}
        cast('{{ var("data_end_date") }}' as date)
    {%- else -%}
        (select max(activity_date) from {{ ref('int_user_activity_daily') }})
    {%- endif -%}
{%- endmacro %}
