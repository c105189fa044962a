{#-
    Salted SHA-256 of a personal value (PIPL): hex digest of
    salt || normalised value, where the normalised value is the text trimmed
    and lower-cased (normalise_phone first for phone numbers). Null stays
    null. The salt comes from the environment variable ECOMOPS_PII_SALT; the
    default is for development only and is not a secret.
-#}
{% macro hash_pii(expr) -%}
    {{ return(adapter.dispatch('hash_pii', 'ecomops')(expr)) }}
{%- endmacro %}

{% macro default__hash_pii(expr) -%}
    {%- set salt = env_var('ECOMOPS_PII_SALT', 'ecomops-dev-salt-not-for-production') -%}
    case
        when nullif(trim(cast({{ expr }} as {{ dbt.type_string() }})), '') is not null
            then sha256(
                '{{ salt | replace("'", "''") }}'
                || lower(trim(cast({{ expr }} as {{ dbt.type_string() }})))
            )
    end
{%- endmacro %}

{% macro spark__hash_pii(expr) -%}
    {%- set salt = env_var('ECOMOPS_PII_SALT', 'ecomops-dev-salt-not-for-production') -%}
    case
        when nullif(trim(cast({{ expr }} as string)), '') is not null
            then sha2(
                concat('{{ salt | replace("'", "\\'") }}', lower(trim(cast({{ expr }} as string)))),
                256
            )
    end
{%- endmacro %}

{#-
    A mainland mobile number reduced to its digits, without a leading +86 /
    0086 country code, so that '138 0013 8000', '+86-13800138000' and
    '13800138000' hash alike.
-#}
{% macro normalise_phone(expr) -%}
    nullif(
        regexp_replace(
            regexp_replace(cast({{ expr }} as {{ dbt.type_string() }}), '[^0-9]', '', 'g'),
            '^(0086|86)(1[0-9]{10})$', '\2'
        ),
        ''
    )
{%- endmacro %}

{#-
    Masked personal value for places where a person reads a raw row (the
    quarantine): '***' followed by the last two characters. Null stays null.
-#}
{% macro mask_pii(expr) -%}
    case
        when {{ expr }} is not null
            then '***' || right(cast({{ expr }} as {{ dbt.type_string() }}), 2)
    end
{%- endmacro %}
