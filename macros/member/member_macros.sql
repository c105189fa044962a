{#-
    Member-value helpers (issue 7). One place for the tier thresholds, the
    tier order and the as-of day of RFM / CLV.
-#}

{#- Tier of a cumulative paid spend net of refunds (CNY): vip >= 5000,
    regular >= 500, otherwise non_member (dbt vars member_*_threshold_cny). -#}
{% macro member_tier_of_spend(spend_expr) -%}
    case
        when {{ spend_expr }} >= {{ var('member_vip_threshold_cny') }} then 'vip'
        when {{ spend_expr }} >= {{ var('member_regular_threshold_cny') }} then 'regular'
        else 'non_member'
    end
{%- endmacro %}

{#- Order of the tiers: non_member 0 < regular 1 < vip 2. -#}
{% macro member_tier_rank(tier_expr) -%}
    case {{ tier_expr }}
        when 'vip' then 2
        when 'regular' then 1
        when 'non_member' then 0
    end
{%- endmacro %}

{#- The as-of day of RFM and of the CLV fit, as a SQL date expression:
    var member_as_of_date, else var data_end_date, else the last paid day. -#}
{% macro member_as_of_date() -%}
    {%- set as_of = var('member_as_of_date', '') or var('data_end_date', '') -%}
    {%- if as_of -%}
        cast('{{ as_of }}' as date)
    {%- else -%}
        (select max(paid_date) from {{ ref('fct_orders') }})
    {%- endif -%}
{%- endmacro %}

{#- The last day the data has fully seen (var data_end_date, else the last
    day an order was placed), as a SQL date expression. -#}
{% macro member_data_end_date() -%}
    {%- if var('data_end_date', '') -%}
        cast('{{ var("data_end_date") }}' as date)
    {%- else -%}
        (select max(placed_date) from {{ ref('fct_orders') }})
    {%- endif -%}
{%- endmacro %}
