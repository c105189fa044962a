{#-
    Members of the audiences of rule vip_at_risk (var crm_audiences), as
    spans of Asia/Shanghai days: the user's tier at the end of the day
    (dim_member_tier_history) is one of the entry's tiers, and either the
    BG/NBD probability alive of that day is below max_probability_alive or
    the last paid order is at least min_days_since_paid_order days old.
    Between two purchase days both conditions only grow stronger, so each
    spell from a purchase day to the day before the next one gives at most
    one span per condition: from the first day it holds to the spell's end.
    Rules and the probability's closed form are in _int_crm__models.yml.
-#}
{%- do crm_check_settings() -%}
{%- set audiences = var('crm_audiences', []) | selectattr('rule', 'equalto', 'vip_at_risk') | list -%}
with

orders as (

    select
        user_id,
        paid_date
    from {{ ref('fct_orders') }}
    where is_paid

),

tier_periods as (

    select
        user_id,
        tier,
        valid_from_date,
        valid_to_date
    from {{ ref('dim_member_tier_history') }}

),

bgnbd as (

    select
        max(case when parameter_name = 'r' then parameter_value end) as r,
        max(case when parameter_name = 'alpha' then parameter_value end) as alpha,
        max(case when parameter_name = 'a' then parameter_value end) as a,
        max(case when parameter_name = 'b' then parameter_value end) as b
    from {{ ref('fct_clv_parameters') }}
    where fit_window = 'as_of' and model_name = 'bgnbd'

),

data_window as (

    select
        {{ first_data_date() }} as data_start_date,
        {{ last_data_date() }} as data_end_date

),

purchase_days as (

    select
        orders.user_id,
        orders.paid_date as purchase_date
    from orders
    cross join data_window
    where orders.paid_date <= data_window.data_end_date
    group by orders.user_id, orders.paid_date

),

-- one spell per purchase day, up to the day before the next one: x repeat
-- purchase days and recency t_x (days from the first purchase day) so far
spells as (

    select
        user_id,
        purchase_date,
        min(purchase_date) over (partition by user_id) as first_purchase_date,
        row_number() over (partition by user_id order by purchase_date) - 1 as repeat_purchase_days,
        lead(purchase_date) over (partition by user_id order by purchase_date) as next_purchase_date
    from purchase_days

),

spell_bounds as (

    select
        spells.user_id,
        spells.purchase_date,
        spells.first_purchase_date,
        spells.repeat_purchase_days,
        {{ dbt.datediff('spells.first_purchase_date', 'spells.purchase_date', 'day') }} as recency_days,
        coalesce(
            cast({{ dbt.dateadd('day', -1, 'spells.next_purchase_date') }} as date), data_window.data_end_date
        ) as spell_end_date
    from spells
    cross join data_window

),

audience_legs as (

    {% for audience in audiences %}
        {%- set threshold = audience.parameters.max_probability_alive | float -%}
        {%- set min_days = audience.parameters.min_days_since_paid_order | int -%}
        {%- set tiers = audience.parameters.tiers -%}
        {%- if not (0 < threshold < 1) or min_days < 0 or not tiers or tiers is string -%}
            {{ exceptions.raise_compiler_error(
                "var crm_audiences: audience " ~ audience.name ~ " needs 0 < max_probability_alive < 1, "
                ~ "min_days_since_paid_order >= 0 and a list of tiers"
            ) }}
        {%- endif %}
        select
            cast('{{ audience.name }}' as {{ dbt.type_string() }}) as audience_name,
            user_id,
            cast('long_since_paid_order' as {{ dbt.type_string() }}) as match_detail,
            cast({{ dbt.dateadd('day', min_days, 'purchase_date') }} as date) as leg_start_date,
            spell_end_date
        from spell_bounds

        union all

        -- P(alive) < threshold <=> the BG/NBD odds a / (b + x - 1) x
        -- ((alpha + T) / (alpha + t_x))^(r + x) exceed 1 / threshold - 1
        -- <=> T > (alpha + t_x) x ((1 / threshold - 1) (b + x - 1) / a)^(1 / (r + x)) - alpha;
        -- the first such whole T, counted from the first purchase day
        {%- set first_day_number -%}
            cast(least(
                floor(
                    (bgnbd.alpha + spell_bounds.recency_days)
                    * exp(
                        ln((1.0 / {{ threshold }} - 1.0) * (bgnbd.b + spell_bounds.repeat_purchase_days - 1) / bgnbd.a)
                        / (bgnbd.r + spell_bounds.repeat_purchase_days)
                    )
                    - bgnbd.alpha
                ) + 1,
                100000
            ) as integer)
        {%- endset %}
        select
            cast('{{ audience.name }}' as {{ dbt.type_string() }}) as audience_name,
            spell_bounds.user_id,
            cast('low_probability_alive' as {{ dbt.type_string() }}) as match_detail,
            greatest(
                spell_bounds.purchase_date,
                cast({{ dbt.dateadd('day', first_day_number, 'spell_bounds.first_purchase_date') }} as date)
            ) as leg_start_date,
            spell_bounds.spell_end_date
        from spell_bounds
        cross join bgnbd
        where spell_bounds.repeat_purchase_days > 0 and bgnbd.a > 0
        {% if not loop.last %}union all{% endif %}
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as audience_name,
            cast(null as bigint) as user_id,
            cast(null as {{ dbt.type_string() }}) as match_detail,
            cast(null as date) as leg_start_date,
            cast(null as date) as spell_end_date
        where 1 = 0
    {% endfor %}

),

audience_tiers as (

    {% for audience in audiences %}
        {% for tier in audience.parameters.tiers %}
            select
                cast('{{ audience.name }}' as {{ dbt.type_string() }}) as audience_name,
                cast('{{ tier }}' as {{ dbt.type_string() }}) as tier
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as audience_name,
            cast(null as {{ dbt.type_string() }}) as tier
        where 1 = 0
    {% endfor %}

),

audience_tier_periods as (

    select
        audience_tiers.audience_name,
        tier_periods.user_id,
        tier_periods.valid_from_date,
        cast({{ dbt.dateadd('day', -1, 'tier_periods.valid_to_date') }} as date) as valid_until_date
    from tier_periods
    inner join audience_tiers
        on tier_periods.tier = audience_tiers.tier

),

spans as (

    select
        audience_legs.audience_name,
        audience_legs.user_id,
        greatest(audience_legs.leg_start_date, audience_tier_periods.valid_from_date, data_window.data_start_date)
            as span_start_date,
        least(audience_legs.spell_end_date, audience_tier_periods.valid_until_date, data_window.data_end_date)
            as span_end_date,
        audience_legs.match_detail
    from audience_legs
    inner join audience_tier_periods
        on
            audience_legs.audience_name = audience_tier_periods.audience_name
            and audience_legs.user_id = audience_tier_periods.user_id
            and audience_legs.leg_start_date <= audience_tier_periods.valid_until_date
            and audience_legs.spell_end_date >= audience_tier_periods.valid_from_date
    cross join data_window

),

final as (

    select
        audience_name,
        user_id,
        span_start_date,
        span_end_date,
        match_detail
    from spans
    where span_start_date <= span_end_date

)

select * from final
