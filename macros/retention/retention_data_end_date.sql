{#-
    The last Asia/Shanghai day covered by the data, as a SQL date expression:
    the var data_end_date when set, else the last day with any recorded user
    activity. Cells of the retention, funnel and experiment marts whose
    period ends after it are incomplete.
-#}
{% macro retention_data_end_date() -%}
    {%- if var('data_end_date', '') -%}
        cast('{{ var("data_end_date") }}' as date)
    {%- else -%}
        (select max(activity_date) from {{ ref('int_user_activity_daily') }})
    {%- endif -%}
{%- endmacro %}
