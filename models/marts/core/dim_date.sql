{#-
    The Asia/Shanghai calendar, one row per day from 2025-01-01 to
    2026-12-31, with ISO weeks and the platform's promotions and festivals
    (seed calendar_events, plus the weekly member day 会员日 on every
    Wednesday, generated here rather than listed).
-#}
{%- set calendar_start_date = '2025-01-01' -%}
{%- set calendar_end_date = '2026-12-31' -%}
{%- set calendar_event_names = [
    'spring_festival', 'new_user_week', 'flash_discount_night', 'mothers_day',
    'sale_618', 'childrens_day', 'dragon_boat', 'double_11', 'double_12',
] -%}

with

calendar_events as (

    select
        cast(event_date as date) as event_date,
        event_name,
        event_name_zh,
        event_type
    from {{ ref('calendar_events') }}

),

day_spine as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ calendar_start_date ~ "' as date)",
        dbt.dateadd('day', 1, "cast('" ~ calendar_end_date ~ "' as date)")
    ) }}

),

days as (

    select
        cast(date_day as date) as date_day,
        cast(extract(isodow from date_day) as integer) as day_of_week
    from day_spine

),

member_days as (

    select
        date_day as event_date,
        'member_day' as event_name,
        '会员日' as event_name_zh,
        'promotion' as event_type
    from days
    where day_of_week = 3

),

all_events as (

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
    from member_days

),

events_by_day as (

    select
        event_date,
        {% for event_name in calendar_event_names + ['member_day'] -%}
            max(case when event_name = '{{ event_name }}' then 1 else 0 end) = 1 as is_{{ event_name }},
        {% endfor -%}
        max(case when event_type = 'promotion' then 1 else 0 end) = 1 as is_promotion,
        max(case when event_type = 'festival' then 1 else 0 end) = 1 as is_festival,
        {{ dbt.listagg('event_name', "', '", 'order by event_name') }} as calendar_events,
        {{ dbt.listagg('event_name_zh', "', '", 'order by event_name') }} as calendar_events_zh
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
        cast(extract(isoyear from days.date_day) as integer) as iso_year,
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
