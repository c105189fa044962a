{#-
    numerator / denominator as a double, where the numerator is an integer
    and the denominator a literal such as 3600.0. DuckDB divides an integer
    by a decimal as a double (`default__double_divide`: the division as
    written); Spark reads 3600.0 as a decimal and gives a decimal rounded to
    6 places, so `spark__double_divide` casts the numerator to double first.
    Both then make the same IEEE division of the same two doubles.
-#}
{% macro double_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('double_divide', 'ecomops')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__double_divide(numerator, denominator) -%}
    {{ numerator }} / {{ denominator }}
{%- endmacro %}

{% macro spark__double_divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / {{ denominator }}
{%- endmacro %}
