-- The one row that says which business days the warehouse covers: every
-- dashboard figure is "as of" data_end_date.
select
    data_start_date,
    data_end_date,
    calendar_start_date,
    calendar_end_date,
    {{ dbt.datediff('data_start_date', 'data_end_date', 'day') }} + 1 as data_days
from {{ ref('int_data_window') }}
