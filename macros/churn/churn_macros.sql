{#-
    Helpers of the churn area (流失节点 and recall). Windows and thresholds
    are dbt vars (dbt_project.yml, block "churn"); these macros turn them
    into SQL so that every churn model reads them the same way.
-#}

{#- The churn nodes in the order of the reports, each with its windows. -#}
{% macro churn_node_windows() -%}
    {%- set nodes = [
        ('registered_no_return', 1, var('churn_registered_no_return_window_days', [1, 7])),
        ('carted_not_ordered', 2, var('churn_carted_not_ordered_window_days', [3])),
        ('ordered_not_paid', 3, var('churn_ordered_not_paid_window_days', [3])),
        ('received_not_repurchased', 4, var('churn_received_not_repurchased_window_days', [7, 30])),
        ('sleeping', 5, var('churn_sleeping_window_days', [90, 180])),
    ] -%}
    {%- set rows = [] -%}
    {%- for node, node_number, windows in nodes -%}
        {%- for window_days in windows -%}
            {%- do rows.append({
                'node': node,
                'node_number': node_number,
                'window_days': window_days | int,
                'node_code': node ~ '_' ~ (window_days | int) ~ 'd',
            }) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(rows) }}
{%- endmacro %}

{#- The primary (first listed, shortest by convention) window of node 1: the
    population the recall programme targets. -#}
{% macro churn_recall_node_code() -%}
    {{- 'registered_no_return_' ~ (var('churn_registered_no_return_window_days', [1, 7])[0] | int) ~ 'd' -}}
{%- endmacro %}


{#- The first instant after the data, UTC: midnight Asia/Shanghai (UTC+8)
    that ends the last day of the data. A deadline before it has passed
    "within the data". -#}
{% macro churn_data_end_at() -%}
    {{ dbt.dateadd('hour', -8, dbt.dateadd('day', 1, 'cast(' ~ last_data_date() ~ ' as timestamp)')) }}
{%- endmacro %}
