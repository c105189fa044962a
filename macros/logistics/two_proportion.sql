{#-
    Two-proportion comparison (treated against control) as portable SQL, the
    formulas of the A/B readout (fct_experiment_results, two_proportion_z_test):
    - two_proportion_interval_se: unpooled standard error of the difference,
      sqrt(p1 (1 - p1) / n1 + p0 (1 - p0) / n0), for the 95% interval
      difference +- 1.959963984540054 x SE;
    - two_proportion_null_se: pooled standard error under the null
      hypothesis, sqrt(p (1 - p) (1 / n1 + 1 / n0)) with p = (x1 + x0) / (n1 + n0),
      for the z statistic difference / SE; the p-value is
      stats_normal_two_sided_p(z) (macros/retention/statistics.sql).
    Arguments are successes (x) and trials (n) of each group; null when a
    group has no trials.
-#}
{% macro two_proportion_interval_se(x1, n1, x0, n0) -%}
    case
        when ({{ n1 }}) > 0 and ({{ n0 }}) > 0
            then sqrt(
                    (cast({{ x1 }} as double) / ({{ n1 }})) * (1 - cast({{ x1 }} as double) / ({{ n1 }})) / ({{ n1 }})
                    + (cast({{ x0 }} as double) / ({{ n0 }})) * (1 - cast({{ x0 }} as double) / ({{ n0 }}))
                    / ({{ n0 }})
                )
    end
{%- endmacro %}

{% macro two_proportion_null_se(x1, n1, x0, n0) -%}
    case
        when ({{ n1 }}) > 0 and ({{ n0 }}) > 0
            then sqrt(
                    (cast(({{ x1 }}) + ({{ x0 }}) as double) / (({{ n1 }}) + ({{ n0 }})))
                    * (1 - cast(({{ x1 }}) + ({{ x0 }}) as double) / (({{ n1 }}) + ({{ n0 }})))
                    * (1.0 / ({{ n1 }}) + 1.0 / ({{ n0 }}))
                )
    end
{%- endmacro %}
