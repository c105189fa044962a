{#-
    The Asia/Shanghai calendar, one row per day from calendar_start_date to
    calendar_end_date of int_data_window (the data's years plus the horizon
    its deadlines need), with ISO weeks and the platform's promotions and
    festivals. Days fixed by a rule are computed here for any year: 618
    (June 1-18), Children's Day (June 1), Mother's Day (second Sunday of
    May), 双11 (November 1-11), 双12 (December 12) and the weekly member day
    会员日 (every Wednesday). Lunar festivals and the platform's own
    campaigns come from seed calendar_events, for the years it lists.
-#}
{%- set calendar_event_names = [
    'spring_festival', 'lunar_new_year', 'new_user_week', 'flash_discount_night', 'mothers_day',
    'sale_618', 'childrens_day', 'dragon_boat', 'double_11', 'double_12',
] -%}
{%- set rule_events = [
    ('sale_618', '618年中大促', 'promotion', 'days.month_number = 6 and days.day_of_month between 1 and 18'),
    ('childrens_day', '儿童节', 'festival', 'days.month_number = 6 and days.day_of_month = 1'),
    ('mothers_day', '母亲节', 'festival',
     'days.month_number = 5 and days.day_of_week = 7 and days.day_of_month between 8 and 14'),
    ('double_11', '双11', 'promotion', 'days.month_number = 11 and days.day_of_month between 1 and 11'),
    ('double_12', '双12', 'promotion', 'days.month_number = 12 and days.day_of_month = 12'),
    ('member_day', '会员日', 'promotion', 'days.day_of_week = 3'),
] -%}

with

data_window as (

    select
        calendar_start_date,
        calendar_end_date
    from {{ ref('int_data_window') }}

),

calendar_events as (

    select
        cast(event_date as date) as event_date,
        event_name,
        event_name_zh,
        event_type
    from {{ ref('calendar_events') }}

),

day_spine as (

    {{ day_spine(
        '(select calendar_start_date from data_window)',
        '(select calendar_end_date from data_window)'
    ) }}

),

days as (

    select
        cast(date_day as date) as date_day,
        cast({{ iso_day_of_week('date_day') }} as integer) as day_of_week,
        cast(extract(month from date_day) as integer) as month_number,
        cast(extract(day from date_day) as integer) as day_of_month
    from day_spine

),

rule_events as (

    {% for event_name, event_name_zh, event_type, condition in rule_events %}
        select
            days.date_day as event_date,
            '{{ event_name }}' as event_name,
            '{{ event_name_zh }}' as event_name_zh,
            '{{ event_type }}' as event_type
        from days
        where {{ condition }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

-- a rule event listed in the seed as well counts once
all_events as (

    select distinct
        event_date,
        event_name,
        event_name_zh,
        event_type
    from (
        select
            event_date,
            event_name,
            event_name_zh,
            event_type
        from calendar_events
        union all
        select
            event_date,
            event_name,
            event_name_zh,
            event_type
        from rule_events
    ) as listed_and_ruled

),

events_by_day as (

    select
        event_date,
        {% for event_name in calendar_event_names + ['member_day'] -%}
            max(case when event_name = '{{ event_name }}' then 1 else 0 end) = 1 as is_{{ event_name }},
        {% endfor -%}
        max(case when event_type = 'promotion' then 1 else 0 end) = 1 as is_promotion,
        max(case when event_type = 'festival' then 1 else 0 end) = 1 as is_festival,
        {{ ordered_listagg('event_name', "', '", 'event_name') }} as calendar_events,
        {{ ordered_listagg('event_name_zh', "', '", 'event_name') }} as calendar_events_zh
    from all_events
    group by event_date

),

final as (

    select
        days.date_day,
        cast(extract(year from days.date_day) as integer) as year,
        cast(extract(quarter from days.date_day) as integer) as quarter,
        cast(extract(month from days.date_day) as integer) as month,
        cast({{ dbt.date_trunc('month', 'days.date_day') }} as date) as month_start_date,
        cast({{ iso_year('days.date_day') }} as integer) as iso_year,
        cast(extract(week from days.date_day) as integer) as iso_week,
        cast({{ dbt.dateadd('day', '1 - days.day_of_week', 'days.date_day') }} as date) as iso_week_start_date,
        days.day_of_week,
        cast(
            case days.day_of_week
                when 1 then 'Monday'
                when 2 then 'Tuesday'
                when 3 then 'Wednesday'
                when 4 then 'Thursday'
                when 5 then 'Friday'
                when 6 then 'Saturday'
                when 7 then 'Sunday'
            end as {{ dbt.type_string() }}
        ) as day_name,
        days.day_of_week in (6, 7) as is_weekend,
        {% for event_name in calendar_event_names + ['member_day'] -%}
            coalesce(events_by_day.is_{{ event_name }}, false) as is_{{ event_name }},
        {% endfor -%}
        coalesce(events_by_day.is_promotion, false) as is_promotion,
        coalesce(events_by_day.is_festival, false) as is_festival,
        cast(events_by_day.calendar_events as {{ dbt.type_string() }}) as calendar_events,
        cast(events_by_day.calendar_events_zh as {{ dbt.type_string() }}) as calendar_events_zh
    from days
    left join events_by_day
        on days.date_day = events_by_day.event_date

)

select * from final
