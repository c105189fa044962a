{#-
    dim_date against days worked out by hand (ISO weeks checked with
    Python's date.isocalendar()): year boundaries of ISO weeks, the member
    day, festivals and promotions. Returns every expected day whose row
    differs or is missing, and fails unless the calendar has exactly 730
    days (2025-01-01 .. 2026-12-31).
-#}
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
        days.is_sale_618,
        days.is_weekend,
        days.calendar_events
    from (
        values
        (date '2025-01-01', 2025, 1, date '2024-12-30', 3, true, false, false, false, 'member_day'),
        (date '2025-12-29', 2026, 1, date '2025-12-29', 1, false, false, false, false, null),
        (date '2026-01-01', 2026, 1, date '2025-12-29', 4, false, false, false, false, null),
        (date '2025-01-29', 2025, 5, date '2025-01-27', 3, true, true, false, false, 'member_day, spring_festival'),
        (date '2025-06-01', 2025, 22, date '2025-05-26', 7, false, false, true, true, 'childrens_day, sale_618'),
        (date '2025-05-11', 2025, 19, date '2025-05-05', 7, false, false, false, true, 'mothers_day'),
        (date '2026-12-31', 2026, 53, date '2026-12-28', 4, false, false, false, false, null),
        (date '2026-02-17', 2026, 8, date '2026-02-16', 2, false, true, false, false, 'spring_festival')
    ) as days (
        date_day, iso_year, iso_week, iso_week_start_date, day_of_week,
        is_member_day, is_spring_festival, is_sale_618, is_weekend, calendar_events
    )

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
        is_sale_618,
        is_weekend,
        calendar_events
    from {{ ref('dim_date') }}

),

mismatches as (

    select
        expected.date_day,
        'differs or missing' as problem
    from expected
    left join calendar
        on expected.date_day = calendar.date_day
    where calendar.date_day is null
        or calendar.iso_year != expected.iso_year
        or calendar.iso_week != expected.iso_week
        or calendar.iso_week_start_date != expected.iso_week_start_date
        or calendar.day_of_week != expected.day_of_week
        or calendar.is_member_day != expected.is_member_day
        or calendar.is_spring_festival != expected.is_spring_festival
        or calendar.is_sale_618 != expected.is_sale_618
        or calendar.is_weekend != expected.is_weekend
        or coalesce(calendar.calendar_events, '') != coalesce(expected.calendar_events, '')

),

day_count as (

    select
        cast(null as date) as date_day,
        'calendar has ' || cast(count(*) as varchar) || ' days, expected 730' as problem
    from calendar
    having count(*) != 730

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
    from day_count

)

select * from final
