{#-
    The five-level value model (用户价值分层, issue 14 item 3; docs/value_levels.md):
    which behaviour events are interactions, the level names, and the level
    rule, each written once here and read by int_user_activity_daily,
    int_user_value_months and the value marts. Rules: dbt_project.yml
    (vars value_interaction_event_types, value_level_thresholds).
-#}

{#- The levels, best first: [(level, rank)]. -#}
{% macro value_levels() -%}
    {{ return([('S', 1), ('A', 2), ('B', 3), ('C', 4), ('D', 5)]) }}
{%- endmacro %}

{#- SQL condition: the event type expression is an interaction
    (var value_interaction_event_types); false when the list is empty. -#}
{% macro value_is_interaction(event_type) -%}
    {%- set types = var('value_interaction_event_types', []) -%}
    {%- if types is string or types is mapping or types is not iterable -%}
        {{ exceptions.raise_compiler_error(
            "var value_interaction_event_types must be a list of event types, e.g. [share, comment, like, check_in];"
            ~ " got " ~ types
        ) }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for type_name in types -%}
        {%- do quoted.append("'" ~ (type_name | string | lower | trim) ~ "'") -%}
    {%- endfor -%}
    {%- if quoted -%}
        {{ event_type }} in ({{ quoted | join(', ') }})
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#- The thresholds of var value_level_thresholds, checked: every key
    present, none unknown, each a number >= 0. -#}
{% macro value_level_thresholds() -%}
    {%- set required = [
        's_min_paid_orders', 's_min_interactions',
        'a_min_paid_orders', 'a_min_interactions', 'a_min_paid_gmv_cny',
        'b_min_paid_orders', 'c_min_interactions',
    ] -%}
    {%- set given = var('value_level_thresholds', {}) -%}
    {%- if given is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var value_level_thresholds must be a mapping of " ~ required | join(', ') ~ " (dbt_project.yml); got " ~ given
        ) }}
    {%- endif -%}
    {%- set missing = required | reject('in', given) | list -%}
    {%- set unknown = given | reject('in', required) | list -%}
    {%- if missing or unknown -%}
        {{ exceptions.raise_compiler_error(
            "var value_level_thresholds needs exactly the keys " ~ required | join(', ')
            ~ (("; missing " ~ missing | join(', ')) if missing else "")
            ~ (("; unknown " ~ unknown | join(', ')) if unknown else "")
        ) }}
    {%- endif -%}
    {%- for key in required -%}
        {%- if given[key] is not number or given[key] < 0 -%}
            {{ exceptions.raise_compiler_error(
                "var value_level_thresholds." ~ key ~ " must be a number >= 0, got " ~ given[key]
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(given) }}
{%- endmacro %}

{#- SQL expression: the value level of a user-month from its paid orders,
    interactions and paid GMV. Checked in order S, A, B, C; the first rule
    that holds wins; a month that meets none is D (active only). -#}
{% macro value_level_case(paid_orders, interactions, paid_gmv_cny) -%}
    {%- set rule = value_level_thresholds() -%}
    case
        when
            {{ paid_orders }} >= {{ rule.s_min_paid_orders }}
            and {{ interactions }} >= {{ rule.s_min_interactions }}
            then 'S'
        when
            ({{ paid_orders }} >= {{ rule.a_min_paid_orders }} and {{ interactions }} >= {{ rule.a_min_interactions }})
            or {{ paid_gmv_cny }} >= {{ rule.a_min_paid_gmv_cny }}
            then 'A'
        when {{ paid_orders }} >= {{ rule.b_min_paid_orders }} then 'B'
        when {{ interactions }} >= {{ rule.c_min_interactions }} then 'C'
        else 'D'
    end
{%- endmacro %}

{#- SQL expression: the rank (1 = S ... 5 = D) of a level expression. -#}
{% macro value_level_rank(value_level) -%}
    {%- set whens = [] -%}
    {%- for level, rank in value_levels() -%}
        {%- do whens.append("when '" ~ level ~ "' then " ~ rank) -%}
    {%- endfor -%}
    case {{ value_level }} {{ whens | join(' ') }} end
{%- endmacro %}
