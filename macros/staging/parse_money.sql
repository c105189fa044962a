{#-
    Money (CNY) from raw text, exact: decimal(18,2) or null.

    A value is a number when it is an optional sign, digits and an optional
    decimal part ('12', '-3.5', '12.30', '.5'); anything else (including
    '1e3' and '12.3.4') does not parse (invalid_value, see money_fails).
    Digits beyond the cent are accepted only when they are zeros ('12.3000'
    is 12.30, as database exports of decimal(18,4) write it). A non-zero
    digit beyond the cent is never rounded away: the value is null here and
    the row is quarantined as money_sub_cent (see money_sub_cent).
-#}
{% macro parse_money(expr) -%}
    {{ return(adapter.dispatch('parse_money', 'ecomops')(expr)) }}
{%- endmacro %}

{% macro default__parse_money(expr) -%}
    {%- set text = 'trim(cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ '))' -%}
    case
        when regexp_matches({{ text }}, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$')
            and not regexp_matches({{ text }}, '[.][0-9]{2}[0-9]*[1-9]')
            then try_cast({{ text }} as decimal(18, 2))
    end
{%- endmacro %}

{#- True when a raw money value is present but is not a number (or
    overflows decimal(18,2)). -#}
{% macro money_fails(expr) -%}
    {{ return(adapter.dispatch('money_fails', 'ecomops')(expr)) }}
{%- endmacro %}

{% macro default__money_fails(expr) -%}
    {%- set text = 'trim(cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ '))' -%}
    (
        {{ expr }} is not null
        and (
            not regexp_matches({{ text }}, '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$')
            or try_cast({{ text }} as decimal(18, 2)) is null
        )
    )
{%- endmacro %}

{#- True when a raw money value is a number with a non-zero digit beyond
    the cent (e.g. '12.345'): quarantined as money_sub_cent, never rounded. -#}
{% macro money_sub_cent(expr) -%}
    {{ return(adapter.dispatch('money_sub_cent', 'ecomops')(expr)) }}
{%- endmacro %}

{% macro default__money_sub_cent(expr) -%}
    {%- set text = 'trim(cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ '))' -%}
    (
        {{ expr }} is not null
        and regexp_matches({{ text }}, '^[+-]?[0-9]*[.][0-9]{2}[0-9]*[1-9][0-9]*$')
    )
{%- endmacro %}

{#- Spark: rlike (a search, as regexp_matches) and try_cast. -#}
{% macro spark__parse_money(expr) -%}
    {%- set text = 'trim(cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ '))' -%}
    case
        when {{ text }} rlike '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$'
            and not {{ text }} rlike '[.][0-9]{2}[0-9]*[1-9]'
            then try_cast({{ text }} as decimal(18, 2))
    end
{%- endmacro %}

{% macro spark__money_fails(expr) -%}
    {%- set text = 'trim(cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ '))' -%}
    (
        {{ expr }} is not null
        and (
            not {{ text }} rlike '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$'
            or try_cast({{ text }} as decimal(18, 2)) is null
        )
    )
{%- endmacro %}

{% macro spark__money_sub_cent(expr) -%}
    {%- set text = 'trim(cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ '))' -%}
    (
        {{ expr }} is not null
        and {{ text }} rlike '^[+-]?[0-9]*[.][0-9]{2}[0-9]*[1-9][0-9]*$'
    )
{%- endmacro %}
