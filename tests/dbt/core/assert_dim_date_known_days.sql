{#-
    dim_date against days worked out by hand (ISO weeks checked with
    Python's date.isocalendar()) in several centuries: year boundaries of
    ISO weeks, leap days, the member day, the festivals and promotions fixed
    by a rule, the lunar festivals of seed calendar_events. Only the known
    days inside the calendar built are compared, so the test holds for any
    export. The span itself must be exactly int_data_window's calendar:
    from its calendar_start_date (a 1 January) to its calendar_end_date (a
    31 December), one row per day, covering the data's window. Returns one
    row per problem.
-#}
{%- set text = sql_type('varchar') -%}
with

expected as (

    select
        days.date_day,
        days.iso_year,
        days.iso_week,
        days.iso_week_start_date,
        days.day_of_week,
        days.is_member_day,
        days.is_spring_festival,
        days.is_lunar_new_year,
        days.is_sale_618,
        days.is_mothers_day,
        days.is_dragon_boat,
        days.is_weekend,
        days.calendar_events
    from (
        values
        (
            date '1997-02-07', 1997, 6, date '1997-02-03', 5, false, false, true, false, false, false, false,
            'lunar_new_year'
        ),
        (
            date '1997-05-11', 1997, 19, date '1997-05-05', 7, false, false, false, false, true, false, true,
            'mothers_day'
        ),
        (
            date '1997-06-01', 1997, 22, date '1997-05-26', 7, false, false, false, true, false, false, true,
            'childrens_day, sale_618'
        ),
        (
            date '1997-06-09', 1997, 24, date '1997-06-09', 1, false, false, false, true, false, true, false,
            'dragon_boat, sale_618'
        ),
        (date '1997-12-29', 1998, 1, date '1997-12-29', 1, false, false, false, false, false, false, false, null),
        (date '2000-02-29', 2000, 9, date '2000-02-28', 2, false, false, false, false, false, false, false, null),
        (
            date '2004-01-22', 2004, 4, date '2004-01-19', 4, false, true, true, false, false, false, false,
            'lunar_new_year, spring_festival'
        ),
        (
            date '2025-01-01', 2025, 1, date '2024-12-30', 3, true, false, false, false, false, false, false,
            'member_day'
        ),
        (
            date '2025-01-29', 2025, 5, date '2025-01-27', 3, true, true, true, false, false, false, false,
            'lunar_new_year, member_day, spring_festival'
        ),
        (
            date '2025-05-11', 2025, 19, date '2025-05-05', 7, false, false, false, false, true, false, true,
            'mothers_day'
        ),
        (
            date '2025-06-01', 2025, 22, date '2025-05-26', 7, false, false, false, true, false, false, true,
            'childrens_day, sale_618'
        ),
        (
            date '2025-11-11', 2025, 46, date '2025-11-10', 2, false, false, false, false, false, false, false,
            'double_11'
        ),
        (
            date '2025-12-12', 2025, 50, date '2025-12-08', 5, false, false, false, false, false, false, false,
            'double_12'
        ),
        (date '2025-12-29', 2026, 1, date '2025-12-29', 1, false, false, false, false, false, false, false, null),
        (date '2026-01-01', 2026, 1, date '2025-12-29', 4, false, false, false, false, false, false, false, null),
        (
            date '2026-02-17', 2026, 8, date '2026-02-16', 2, false, true, true, false, false, false, false,
            'lunar_new_year, spring_festival'
        ),
        (date '2026-12-31', 2026, 53, date '2026-12-28', 4, false, false, false, false, false, false, false, null),
        (
            date '2027-05-09', 2027, 18, date '2027-05-03', 7, false, false, false, false, true, false, true,
            'mothers_day'
        ),
        (
            date '2027-11-10', 2027, 45, date '2027-11-08', 3, true, false, false, false, false, false, false,
            'double_11, member_day'
        ),
        (date '2100-02-28', 2100, 8, date '2100-02-22', 7, false, false, false, false, false, false, true, null),
        (date '2100-03-01', 2100, 9, date '2100-03-01', 1, false, false, false, false, false, false, false, null)
    ) as days (
        date_day, iso_year, iso_week, iso_week_start_date, day_of_week, is_member_day, is_spring_festival,
        is_lunar_new_year, is_sale_618, is_mothers_day, is_dragon_boat, is_weekend, calendar_events
    )

),

data_window as (

    select
        data_start_date,
        data_end_date,
        calendar_start_date,
        calendar_end_date
    from {{ ref('int_data_window') }}

),

calendar as (

    select
        date_day,
        iso_year,
        iso_week,
        iso_week_start_date,
        day_of_week,
        is_member_day,
        is_spring_festival,
        is_lunar_new_year,
        is_sale_618,
        is_mothers_day,
        is_dragon_boat,
        is_weekend,
        calendar_events
    from {{ ref('dim_date') }}

),

span as (

    select
        min(date_day) as first_day,
        max(date_day) as last_day,
        count(*) as day_count
    from calendar

),

mismatches as (

    select
        expected.date_day,
        'differs or missing' as problem
    from expected
    cross join data_window
    left join calendar
        on expected.date_day = calendar.date_day
    where
        expected.date_day between data_window.calendar_start_date and data_window.calendar_end_date
        and (
            calendar.date_day is null
            or calendar.iso_year != expected.iso_year
            or calendar.iso_week != expected.iso_week
            or calendar.iso_week_start_date != expected.iso_week_start_date
            or calendar.day_of_week != expected.day_of_week
            or calendar.is_member_day != expected.is_member_day
            or calendar.is_spring_festival != expected.is_spring_festival
            or calendar.is_lunar_new_year != expected.is_lunar_new_year
            or calendar.is_sale_618 != expected.is_sale_618
            or calendar.is_mothers_day != expected.is_mothers_day
            or calendar.is_dragon_boat != expected.is_dragon_boat
            or calendar.is_weekend != expected.is_weekend
            or coalesce(calendar.calendar_events, '') != coalesce(expected.calendar_events, '')
        )

),

span_problems as (

    select
        cast(null as date) as date_day,
        'calendar spans ' || coalesce(cast(span.first_day as {{ text }}), 'nothing') || ' .. '
        || coalesce(cast(span.last_day as {{ text }}), 'nothing') || ' (' || cast(span.day_count as {{ text }})
        || ' days), expected ' || cast(data_window.calendar_start_date as {{ text }}) || ' .. '
        || cast(data_window.calendar_end_date as {{ text }}) || ', one row a day, whole years, covering '
        || cast(data_window.data_start_date as {{ text }}) || ' .. '
        || cast(data_window.data_end_date as {{ text }}) as problem
    from span
    cross join data_window
    where
        span.first_day is null
        or span.first_day != data_window.calendar_start_date
        or span.last_day != data_window.calendar_end_date
        or span.day_count
        != {{ dbt.datediff('data_window.calendar_start_date', 'data_window.calendar_end_date', 'day') }} + 1
        or extract(month from span.first_day) != 1 or extract(day from span.first_day) != 1
        or extract(month from span.last_day) != 12 or extract(day from span.last_day) != 31
        or data_window.data_start_date < span.first_day
        or data_window.data_end_date > span.last_day

),

final as (

    select
        date_day,
        problem
    from mismatches
    union all
    select
        date_day,
        problem
    from span_problems

)

select * from final
