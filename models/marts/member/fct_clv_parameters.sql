-- The fitted CLV model parameters, one row per fit window and parameter
-- (int_clv_parameters), for readers and BI tools.

with

parameters as (

    select * from {{ ref('int_clv_parameters') }}

),

final as (

    select
        fit_window || ':' || model_name || ':' || parameter_name as clv_parameter_id,
        fit_window,
        cast(window_end_date as date) as window_end_date,
        model_name,
        parameter_name,
        cast(parameter_value as double) as parameter_value,
        cast(customers_fitted as bigint) as customers_fitted,
        cast(log_likelihood as double) as log_likelihood,
        is_converged
    from parameters

)

select * from final
