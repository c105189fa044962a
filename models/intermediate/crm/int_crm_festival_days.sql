{#-
    One row per festival of var crm_festivals and calendar year of dim_date
    with that festival: its day (the first day of the year flagged
    is_<festival> in dim_date) and the day of the same festival in the year
    before, when dim_date has it. Rules are in _int_crm__models.yml.
-#}
{%- do crm_check_settings() -%}
{%- set festivals = var('crm_festivals', []) %}
with

calendar as (

    select * from {{ ref('dim_date') }}

),

festival_days as (

    {% if festivals %}
        {% for festival in festivals %}
            select
                cast('{{ festival }}' as {{ dbt.type_string() }}) as festival_name,
                year as festival_year,
                min(date_day) as festival_date
            from calendar
            where is_{{ festival }}
            group by year
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as festival_name,
            cast(null as integer) as festival_year,
            cast(null as date) as festival_date
        where 1 = 0
    {% endif %}

),

final as (

    select
        this_year.festival_name,
        this_year.festival_year,
        this_year.festival_date,
        last_year.festival_date as previous_festival_date
    from festival_days as this_year
    left join festival_days as last_year
        on
            this_year.festival_name = last_year.festival_name
            and this_year.festival_year = last_year.festival_year + 1

)

select * from final
