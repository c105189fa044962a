-- Every fit window that has customers has all seven parameters, all
-- positive and finite. A window without customers (no paid order on or
-- before its end) has no rows and is not expected; a model fitted on too
-- few customers has null values (ecomops.clv.fitting) and fails here.

with

parameters as (

    select * from {{ ref('fct_clv_parameters') }}

),

inputs as (

    select * from {{ ref('int_customer_clv_inputs') }}

),

expected_windows as (

    select 'as_of' as fit_window
    from inputs
    having count(*) > 0
    union all
    select 'calibration' as fit_window
    from inputs
    where is_in_calibration
    having count(*) > 0

),

per_window as (

    select
        expected_windows.fit_window,
        count(parameters.parameter_name) as parameters,
        sum(case when parameters.parameter_value > 0 and parameters.parameter_value < 1e9 then 1 else 0 end)
            as valid_parameters
    from expected_windows
    left join parameters
        on expected_windows.fit_window = parameters.fit_window
    group by expected_windows.fit_window

),

final as (

    select
        fit_window,
        parameters,
        coalesce(valid_parameters, 0) as valid_parameters
    from per_window
    where parameters != 7 or coalesce(valid_parameters, 0) != 7

)

select * from final
