{#-
    Continuous percentile of a numeric expression as an aggregate, portable:
    linear interpolation between the two nearest order statistics (the
    definition of SQL's percentile_cont, numpy's default, and Spark's exact
    percentile()). Nulls are ignored; null over no rows. p is a literal in
    [0, 1]. Dispatched: DuckDB quantile_cont, Spark percentile (exact, not
    percentile_approx, so the two engines give the same number), others the
    SQL standard's ordered-set aggregate.
-#}
{% macro percentile_cont(expr, p) -%}
    {{ return(adapter.dispatch('percentile_cont', 'ecomops')(expr, p)) }}
{%- endmacro %}

{% macro default__percentile_cont(expr, p) -%}
    percentile_cont({{ p }}) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__percentile_cont(expr, p) -%}
    quantile_cont({{ expr }}, {{ p }})
{%- endmacro %}

{% macro spark__percentile_cont(expr, p) -%}
    percentile({{ expr }}, {{ p }})
{%- endmacro %}
