{#-
    Normalised text code: cast to text, trimmed, lower-case; an empty string
    becomes null. Used for every enumerated raw column before it is checked
    against its accepted values.
-#}
{% macro normalise_enum(expr) -%}
    nullif(lower(trim(cast({{ expr }} as {{ dbt.type_string() }}))), '')
{%- endmacro %}
