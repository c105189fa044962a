{#-
    The raw row as a JSON object text, for a person reading the quarantine.
    columns: the raw column names, in contract order. masked: a dict of
    column name -> 'mask' (mask_pii: '***' + last 2 characters) or 'hash'
    (hash_pii), so that no personal value is written in clear text.
-#}
{% macro raw_row_json(columns, masked={}) -%}
    {{ return(adapter.dispatch('raw_row_json', 'ecomops')(columns, masked)) }}
{%- endmacro %}

{#- The key, value arguments of both engines' JSON constructors: 'column',
    its value as text (masked or hashed where asked). -#}
{% macro raw_row_json_pairs(columns, masked={}) -%}
    {%- set pairs = [] -%}
    {%- for column in columns -%}
        {%- if masked.get(column) == 'mask' -%}
            {%- set value = mask_pii(column) -%}
        {%- elif masked.get(column) == 'hash' -%}
            {%- set value = hash_pii(column) -%}
        {%- else -%}
            {%- set value = 'cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')' -%}
        {%- endif -%}
        {%- do pairs.append("'" ~ column ~ "', " ~ value) -%}
    {%- endfor -%}
    {{- pairs | join(', ') -}}
{%- endmacro %}

{% macro default__raw_row_json(columns, masked={}) -%}
    cast(json_object({{ raw_row_json_pairs(columns, masked) }}) as {{ dbt.type_string() }})
{%- endmacro %}

{#-
    True when a raw value is present but does not cast to the contract's
    type (the invalid_value quarantine rule).
-#}
{% macro cast_fails(expr, type) -%}
    ({{ expr }} is not null and {{ safe_cast(expr, type) }} is null)
{%- endmacro %}

{#- Spark: to_json of a named_struct, with null fields kept (Spark drops
    them by default; json_object writes them as null). -#}
{% macro spark__raw_row_json(columns, masked={}) -%}
    to_json(named_struct({{ raw_row_json_pairs(columns, masked) }}), map('ignoreNullFields', 'false'))
{%- endmacro %}
