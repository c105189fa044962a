{#-
    dbt.datediff on Spark as a bigint, the type DuckDB's datediff returns:
    dbt-spark's own spark__datediff (called here unchanged) gives Spark's
    datediff, an int, which an enforced contract declaring bigint rejects
    (fct_churn_node_episodes.days_to_recover). Root-project macros win
    dbt's dispatch; only the spark adapter calls spark__.
-#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    cast({{ dbt.spark__datediff(first_date, second_date, datepart) }} as {{ dbt.type_bigint() }})
{%- endmacro %}
