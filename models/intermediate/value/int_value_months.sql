{#-
    One row per Asia/Shanghai calendar month that the data's window touches
    (first_data_date() .. last_data_date(), int_data_window), with whether
    the data covers the whole month. The month spine of the value levels;
    definitions in _int_value__models.yml.
-#}
with

window_days as (

    {{ day_spine(first_data_date(), last_data_date()) }}

),

months as (

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        count(*) as data_days
    from window_days
    group by cast({{ dbt.date_trunc('month', 'date_day') }} as date)

),

final as (

    select
        month_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start_date')) }} as date) as month_end_date,
        cast(data_days as integer) as data_days,
        cast({{ dbt.dateadd('month', -1, 'month_start_date') }} as date) as previous_month_start_date,
        cast({{ dbt.dateadd('month', 1, 'month_start_date') }} as date) as next_month_start_date,
        data_days = {{ dbt.datediff('month_start_date', dbt.dateadd('month', 1, 'month_start_date'), 'day') }}
            as is_complete_month,
        row_number() over (order by month_start_date) = 1 as is_first_data_month,
        row_number() over (order by month_start_date desc) = 1 as is_last_data_month
    from months

)

select * from final
