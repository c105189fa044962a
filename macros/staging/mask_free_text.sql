{#-
    Free text with personal numbers masked (PIPL): every mainland mobile
    number (1[3-9] and 9 more digits, also written with spaces or dashes
    and an optional +86 / 0086 prefix), every resident ID-card number (17
    digits and a check digit 0-9 or X) and every e-mail address is replaced
    by '***'. Applied in staging to every free-text raw column (city,
    campaign and product names, reasons, ...) and to the raw row a person
    reads in the quarantine. Null stays null.
-#}
{% macro mask_free_text(expr) -%}
    {{ return(adapter.dispatch('mask_free_text', 'ecomops')(expr)) }}
{%- endmacro %}

{% macro default__mask_free_text(expr) -%}
    {#- The number pattern is applied twice: a match consumes the character
        after it, so a second number right behind a first needs a second pass. -#}
    {%- set number = "'(^|[^0-9])((\\+|00)?86[ -]?)?(1[3-9][0-9]([ -]?[0-9]){8}|[1-9][0-9]{16}[0-9Xx])([^0-9]|$)'" -%}
    regexp_replace(
        regexp_replace(
            regexp_replace(cast({{ expr }} as {{ dbt.type_string() }}), {{ number }}, '\1***\6', 'g'),
            {{ number }}, '\1***\6', 'g'
        ),
        '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+[.][A-Za-z]{2,}',
        '***',
        'g'
    )
{%- endmacro %}

{#- Spark: the same patterns in Java regex. regexp_replace replaces every
    match (no flags argument), a group is $n, and the '+' of the prefix is
    written [+] (a backslash is an escape character in Spark string literals). -#}
{% macro spark__mask_free_text(expr) -%}
    {%- set number = "'(^|[^0-9])(([+]|00)?86[ -]?)?(1[3-9][0-9]([ -]?[0-9]){8}|[1-9][0-9]{16}[0-9Xx])([^0-9]|$)'" -%}
    regexp_replace(
        regexp_replace(
            regexp_replace(cast({{ expr }} as {{ dbt.type_string() }}), {{ number }}, '$1***$6'),
            {{ number }}, '$1***$6'
        ),
        '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+[.][A-Za-z]{2,}',
        '***'
    )
{%- endmacro %}

{#- 1 when mask_free_text changes the value, else 0 (for the masked-values count). -#}
{% macro free_text_masked_flag(expr) -%}
    case when {{ mask_free_text(expr) }} <> cast({{ expr }} as {{ dbt.type_string() }}) then 1 else 0 end
{%- endmacro %}
