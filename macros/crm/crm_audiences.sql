{#-
    The CRM audiences (人群) of var crm_audiences (dbt_project.yml), the one
    place they are defined: one entry each with a name, a rule, the rule in
    words (description), the action channel and the rule's parameters.
    Models read the var directly (var('crm_audiences') | selectattr('rule',
    'equalto', <rule>)) and call crm_check_settings() first, which stops the
    build with a message when an entry or var crm_festivals is malformed.
-#}

{#- Checks var crm_audiences and var crm_festivals; renders nothing. Each
    audience: a lower-case name without spaces or quotes, used once; a rule
    that a model implements, with every parameter it needs; a description; an
    action channel among sms, push and wecom. Each festival: a lower-case
    dim_date event name. -#}
{% macro crm_check_settings() -%}
    {%- set rule_parameters = {
        'recall_step': ['recall_step'],
        'vip_at_risk': ['tiers', 'max_probability_alive', 'min_days_since_paid_order'],
        'festival_due_to_return': ['lead_days'],
    } -%}
    {%- set channels = ['sms', 'push', 'wecom'] -%}
    {%- set seen = [] -%}
    {%- for audience in var('crm_audiences', []) -%}
        {%- set name = audience.get('name', '') -%}
        {%- if not name or name != name | lower or ' ' in name or "'" in name -%}
            {{ exceptions.raise_compiler_error(
                "var crm_audiences: every entry needs a lower-case name without spaces or quotes, got '" ~ name ~ "'"
            ) }}
        {%- endif -%}
        {%- if name in seen -%}
            {{ exceptions.raise_compiler_error("var crm_audiences: audience " ~ name ~ " is defined twice") }}
        {%- endif -%}
        {%- do seen.append(name) -%}
        {%- if audience.get('rule') not in rule_parameters -%}
            {{ exceptions.raise_compiler_error(
                "var crm_audiences: audience " ~ name ~ " has rule '" ~ audience.get('rule') ~ "'; known rules: "
                ~ rule_parameters.keys() | sort | join(', ')
            ) }}
        {%- endif -%}
        {%- if not audience.get('description') -%}
            {{ exceptions.raise_compiler_error(
                "var crm_audiences: audience " ~ name ~ " needs a description (its rule in words)"
            ) }}
        {%- endif -%}
        {%- if audience.get('action_channel') not in channels -%}
            {{ exceptions.raise_compiler_error(
                "var crm_audiences: audience " ~ name ~ " has action_channel '" ~ audience.get('action_channel')
                ~ "'; allowed: " ~ channels | join(', ')
            ) }}
        {%- endif -%}
        {%- for parameter in rule_parameters[audience.get('rule')] -%}
            {%- if parameter not in (audience.get('parameters') or {}) -%}
                {{ exceptions.raise_compiler_error(
                    "var crm_audiences: audience " ~ name ~ " (rule " ~ audience.get('rule') ~ ") lacks parameter "
                    ~ parameter ~ "; it needs " ~ rule_parameters[audience.get('rule')] | join(', ')
                ) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for festival in var('crm_festivals', []) -%}
        {%- if festival != festival | lower or ' ' in festival or "'" in festival -%}
            {{ exceptions.raise_compiler_error(
                "var crm_festivals: '" ~ festival ~ "' is not a dim_date event name (an is_<name> column)"
            ) }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{#- A select of the audiences of var crm_audiences (columns audience_name,
    audience_rule, action_channel), one row each; no row when it lists none. -#}
{% macro crm_audience_rows() -%}
    {%- do crm_check_settings() -%}
    {%- set rows = [] -%}
    {%- for audience in var('crm_audiences', []) -%}
        {%- do rows.append(
            "select cast('" ~ audience.name ~ "' as " ~ dbt.type_string() ~ ") as audience_name, cast('"
            ~ audience.rule ~ "' as " ~ dbt.type_string() ~ ") as audience_rule, cast('"
            ~ audience.action_channel ~ "' as " ~ dbt.type_string() ~ ") as action_channel"
        ) -%}
    {%- endfor -%}
    {%- if not rows -%}
        {%- do rows.append(
            "select cast(null as " ~ dbt.type_string() ~ ") as audience_name, cast(null as " ~ dbt.type_string()
            ~ ") as audience_rule, cast(null as " ~ dbt.type_string() ~ ") as action_channel where 1 = 0"
        ) -%}
    {%- endif -%}
    {{ rows | join('\n    union all\n    ') }}
{%- endmacro %}
