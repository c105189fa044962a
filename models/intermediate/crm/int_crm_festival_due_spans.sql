{#-
    Members of the audiences of rule festival_due_to_return (var
    crm_audiences), as spans of Asia/Shanghai days: the user bought for a
    festival of var crm_festivals last year (int_crm_festival_purchases, at
    the festival's previous day), this year's day of the festival is 1 to
    lead_days days ahead, and the user has bought nothing for it yet this
    year (no order paid in its window up to and including the day). One span
    per user, audience and festival day. Rules are in _int_crm__models.yml.
-#}
{%- do crm_check_settings() -%}
{%- set audiences = var('crm_audiences', []) | selectattr('rule', 'equalto', 'festival_due_to_return') | list -%}
with

festival_days as (

    select
        festival_name,
        festival_date,
        previous_festival_date
    from {{ ref('int_crm_festival_days') }}
    where previous_festival_date is not null

),

festival_purchases as (

    select
        user_id,
        festival_name,
        festival_date,
        first_paid_date
    from {{ ref('int_crm_festival_purchases') }}

),

data_window as (

    select
        {{ first_data_date() }} as data_start_date,
        {{ last_data_date() }} as data_end_date

),

audience_leads as (

    {% for audience in audiences %}
        {%- set lead_days = audience.parameters.lead_days | int -%}
        {%- if lead_days < 1 -%}
            {{ exceptions.raise_compiler_error(
                "var crm_audiences: audience " ~ audience.name ~ " needs lead_days >= 1, got " ~ lead_days
            ) }}
        {%- endif %}
        select
            cast('{{ audience.name }}' as {{ dbt.type_string() }}) as audience_name,
            {{ lead_days }} as lead_days
        {% if not loop.last %}union all{% endif %}
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as audience_name,
            cast(null as integer) as lead_days
        where 1 = 0
    {% endfor %}

),

-- users who bought for last year's day of the festival, with this year's day
returning_shoppers as (

    select
        last_year.user_id,
        festival_days.festival_name,
        festival_days.festival_date
    from festival_days
    inner join festival_purchases as last_year
        on
            festival_days.festival_name = last_year.festival_name
            and festival_days.previous_festival_date = last_year.festival_date

),

candidate_spans as (

    select
        audience_leads.audience_name,
        returning_shoppers.user_id,
        returning_shoppers.festival_name,
        cast({{ dbt.dateadd('day', '-audience_leads.lead_days', 'returning_shoppers.festival_date') }} as date)
            as lead_start_date,
        cast({{ dbt.dateadd('day', -1, 'returning_shoppers.festival_date') }} as date) as eve_date,
        cast({{ dbt.dateadd('day', -1, 'this_year.first_paid_date') }} as date) as day_before_purchase_date
    from returning_shoppers
    cross join audience_leads
    left join festival_purchases as this_year
        on
            returning_shoppers.user_id = this_year.user_id
            and returning_shoppers.festival_name = this_year.festival_name
            and returning_shoppers.festival_date = this_year.festival_date

),

spans as (

    select
        candidate_spans.audience_name,
        candidate_spans.user_id,
        greatest(candidate_spans.lead_start_date, data_window.data_start_date) as span_start_date,
        least(
            candidate_spans.eve_date,
            coalesce(candidate_spans.day_before_purchase_date, candidate_spans.eve_date),
            data_window.data_end_date
        ) as span_end_date,
        candidate_spans.festival_name as match_detail
    from candidate_spans
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
