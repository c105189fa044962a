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
    var member_as_of_date when set, else the last day of the data
    (last_data_date). -#}
{% macro member_as_of_date() -%}
    {%- if var('member_as_of_date', '') -%}
        cast('{{ var("member_as_of_date") }}' as date)
    {%- else -%}
        {{ last_data_date() }}
    {%- endif -%}
{%- endmacro %}

{#- The last day of the CLV calibration window (holdout check), as a SQL
    date expression: var clv_calibration_end_date when set, else the as-of
    day (member_as_of_date) minus var clv_holdout_days (default 120), so
    that the holdout window (calibration end, as-of day] is the last
    clv_holdout_days days of the data. -#}
{% macro clv_calibration_end_date() -%}
    {%- if var('clv_calibration_end_date', '') -%}
        cast('{{ var("clv_calibration_end_date") }}' as date)
    {%- else -%}
        cast({{ dbt.dateadd('day', -1 * (var('clv_holdout_days', 120) | int), member_as_of_date()) }} as date)
    {%- endif -%}
{%- endmacro %}
