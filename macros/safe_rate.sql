{#-
    A share as a double, null (never zero, never infinite) when the
    denominator is zero or null. Used for every conversion and retention-like
    rate that is a plain ratio of two counts.
-#}
{% macro safe_rate(numerator, denominator) -%}
    case
        when {{ denominator }} > 0 then cast({{ numerator }} as double) / {{ denominator }}
    end
{%- endmacro %}
