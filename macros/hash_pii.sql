{#-
    Salted SHA-256 of a personal value (PIPL): hex digest of
    salt || normalised value, where the normalised value is the text trimmed
    and lower-cased (normalise_phone first for phone numbers). Null stays
    null. The salt is never templated into SQL (it would then sit in clear in
    manifest.json, run_results.json, the compiled SQL and the docs site): it
    is read at run time from the session variable ecomops_pii_salt, which the
    dbt-duckdb plugin ecomops.dbt.pii_salt sets from the environment variable
    ECOMOPS_PII_SALT. Without the plugin the hash stops the build rather than
    silently hashing without a salt.
-#}
{% macro hash_pii(expr) -%}
    {{ return(adapter.dispatch('hash_pii', 'ecomops')(expr)) }}
{%- endmacro %}

{% macro default__hash_pii(expr) -%}
    case
        when nullif(trim(cast({{ expr }} as {{ dbt.type_string() }})), '') is not null
            then {{ salted_hash('lower(trim(cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ ')))') }}
    end
{%- endmacro %}

{#-
    Salted SHA-256 of a text expression, as is (no normalisation): the PII
    hash above, and the row fingerprints that compare raw rows (which contain
    personal values) without writing them down.
-#}
{% macro salted_hash(text_expr) -%}
    {{ return(adapter.dispatch('salted_hash', 'ecomops')(text_expr)) }}
{%- endmacro %}

{% macro default__salted_hash(text_expr) -%}
    sha256({{ pii_salt() }} || {{ text_expr }})
{%- endmacro %}

{#- The SQL expression that yields the salt at run time (never the salt
    itself). Unit tests override this macro with a literal test salt. -#}
{% macro pii_salt() -%}
    {{ return(adapter.dispatch('pii_salt', 'ecomops')()) }}
{%- endmacro %}

{% macro default__pii_salt() -%}
    coalesce(
        getvariable('ecomops_pii_salt'),
        error('The PII salt is not set: the profile must load the dbt-duckdb plugin ecomops.dbt.pii_salt (see profiles/profiles.yml), which reads ECOMOPS_PII_SALT.')
    )
{%- endmacro %}

{#- Spark: the salt is the session configuration spark.ecomops.pii_salt
    (profiles.yml sets it from ECOMOPS_PII_SALT through server_side_parameters;
    on a cluster, --conf spark.ecomops.pii_salt=... or SET). Spark substitutes
    ${...} at run time, never dbt. Unset, the reference stays as written
    (compared here built from two parts, so that it is not substituted): the
    hash then stops the query rather than hash without a salt. -#}
{% macro spark__pii_salt() -%}
    if(
        '${spark.ecomops.pii_salt}' = concat('$', '{spark.ecomops.pii_salt}'),
        raise_error('The PII salt is not set: set the Spark configuration spark.ecomops.pii_salt (profiles.yml reads ECOMOPS_PII_SALT).'),
        '${spark.ecomops.pii_salt}'
    )
{%- endmacro %}

{% macro spark__salted_hash(text_expr) -%}
    sha2(concat({{ pii_salt() }}, {{ text_expr }}), 256)
{%- endmacro %}

{#-
    A mainland mobile number reduced to its digits, without a leading +86 /
    0086 country code, so that '138 0013 8000', '+86-13800138000' and
    '13800138000' hash alike.
-#}
{% macro normalise_phone(expr) -%}
    {{ return(adapter.dispatch('normalise_phone', 'ecomops')(expr)) }}
{%- endmacro %}

{% macro default__normalise_phone(expr) -%}
    nullif(
        regexp_replace(
            regexp_replace(cast({{ expr }} as {{ dbt.type_string() }}), '[^0-9]', '', 'g'),
            '^(0086|86)(1[0-9]{10})$', '\2'
        ),
        ''
    )
{%- endmacro %}

{#- Spark: regexp_replace replaces every match (no flags argument) and
    writes a group as $n (Java regex). -#}
{% macro spark__normalise_phone(expr) -%}
    nullif(
        regexp_replace(
            regexp_replace(cast({{ expr }} as {{ dbt.type_string() }}), '[^0-9]', ''),
            '^(0086|86)(1[0-9]{10})$', '$2'
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
