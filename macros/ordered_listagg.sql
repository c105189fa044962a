{#-
    The group's values of measure joined by delimiter_text (a SQL string
    literal) in the order of order_by_expr, ascending; null values are left
    out. Dispatchable: DuckDB dbt.listagg with an order by
    (`default__ordered_listagg`, string_agg ... order by); Spark
    (`spark__ordered_listagg`): dbt-spark's listagg ignores the order
    (collect_list has none), so the (key, value) pairs are collected, sorted
    by key (then value) and their values joined; array_join leaves nulls out
    as string_agg does. Ties in the key are ordered by value on Spark and
    arbitrarily on DuckDB: use a key that is unique within the group, or the
    measure itself.
-#}
{% macro ordered_listagg(measure, delimiter_text, order_by_expr) -%}
    {{ return(adapter.dispatch('ordered_listagg', 'ecomops')(measure, delimiter_text, order_by_expr)) }}
{%- endmacro %}

{% macro default__ordered_listagg(measure, delimiter_text, order_by_expr) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ order_by_expr) }}
{%- endmacro %}

{% macro spark__ordered_listagg(measure, delimiter_text, order_by_expr) -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct('sort_key', {{ order_by_expr }}, 'item', {{ measure }}))),
            entry -> entry.item
        ),
        {{ delimiter_text }}
    )
{%- endmacro %}
