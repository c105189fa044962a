{#-
    The data's window (docs/staging.md, "The data's window"). One model,
    int_data_window, derives it from the data; these macros are how every
    other model reads it, as SQL date expressions evaluated at run time.

    When var data_start_date / data_end_date is set, the macro returns the
    var as a date literal: the value int_data_window holds too, without a
    query (and without a dependency, so that a unit test that sets the var
    needs no int_data_window fixture). Otherwise it is a scalar subquery on
    int_data_window, so the model depends on it.
-#}

{#- The last Asia/Shanghai day of the data: the last day with a
    registration, an order placed or paid, or a behaviour event. Every
    area's completeness flags, deadlines and as-of days read it. -#}
{% macro last_data_date() -%}
    {%- if var('data_end_date', '') -%}
        cast('{{ var("data_end_date") }}' as date)
    {%- else -%}
        (select data_end_date from {{ ref('int_data_window') }})
    {%- endif -%}
{%- endmacro %}

{#- The first Asia/Shanghai day of the data, by the same definition. -#}
{% macro first_data_date() -%}
    {%- if var('data_start_date', '') -%}
        cast('{{ var("data_start_date") }}' as date)
    {%- else -%}
        (select data_start_date from {{ ref('int_data_window') }})
    {%- endif -%}
{%- endmacro %}

{#- The longest horizon after the data's last day that a deadline, cohort
    period or outcome window starting within the data can reach, from the
    vars: {'days': N, 'months': M}. Days: the longest churn window, the last
    daily cohort period (retention_max_periods.day), the end of the last
    weekly period (7 x week + 6 days after the cohort's Monday), the A/B
    outcome window and the marketing windows. Months: the month after the
    last monthly cohort period (retention_max_periods.month + 1), since a
    monthly period ends with its calendar month. -#}
{% macro data_window_horizon() -%}
    {%- set periods = var('retention_max_periods', {'day': 90, 'week': 26, 'month': 18}) -%}
    {%- set churn_windows = churn_node_windows() | map(attribute='window_days') | list -%}
    {%- set days = churn_windows + [
        periods.get('day', 0) | int,
        7 * (periods.get('week', 0) | int) + 6,
        var('experiment_window_days', 30) | int,
        var('marketing_lookback_days', 30) | int,
        var('marketing_repurchase_window_days', 30) | int,
    ] -%}
    {{ return({'days': days | max, 'months': (periods.get('month', 0) | int) + 1}) }}
{%- endmacro %}
