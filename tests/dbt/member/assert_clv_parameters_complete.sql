-- Both fit windows have all seven parameters, all positive and finite.

with

parameters as (

    select * from {{ ref('fct_clv_parameters') }}

),

per_window as (

    select
        fit_window,
        count(*) as parameters,
        sum(case when parameter_value > 0 and parameter_value < 1e9 then 1 else 0 end) as valid_parameters
    from parameters
    group by fit_window

)

select * from per_window
where parameters != 7 or valid_parameters != 7
union all
select
    'missing window' as fit_window,
    count(*) as parameters,
    count(*) as valid_parameters
from per_window
having count(*) != 2
