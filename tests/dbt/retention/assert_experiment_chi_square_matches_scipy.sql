{#-
    stats_chi_square_sf (macros/retention/chi_square.sql) against reference
    values computed with scipy 1.17 (chi2.sf(x, df)), written here as
    literals. Tolerances: 2e-7 (absolute) for the exact closed forms (df <=
    30, even and odd), 5e-4 for the Wilson-Hilferty approximation above 30
    degrees of freedom. Returns the cases outside the tolerance.
-#}
with

cases as (

    select
        0.5 as x,
        1 as df,
        0.47950012218695337 as expected_p
    union all
    select
        3.841458820694124 as x,
        1 as df,
        0.05 as expected_p
    union all
    select
        14.727272727272727 as x,
        1 as df,
        0.00012423612343122087 as expected_p
    union all
    select
        40.0 as x,
        1 as df,
        2.5396285894708634e-10 as expected_p
    union all
    select
        0.0 as x,
        2 as df,
        1.0 as expected_p
    union all
    select
        2.0 as x,
        2 as df,
        0.36787944117144245 as expected_p
    union all
    select
        13.815510557964274 as x,
        2 as df,
        0.001 as expected_p
    union all
    select
        7.5 as x,
        3 as df,
        0.0575584519726364 as expected_p
    union all
    select
        1.2 as x,
        4 as df,
        0.8780986177504424 as expected_p
    union all
    select
        11.0 as x,
        5 as df,
        0.05137998348306955 as expected_p
    union all
    select
        30.0 as x,
        7 as df,
        9.495972508134177e-05 as expected_p
    union all
    select
        12.0 as x,
        10 as df,
        0.2850565003166312 as expected_p
    union all
    select
        25.0 as x,
        15 as df,
        0.0499434336264283 as expected_p
    union all
    select
        60.0 as x,
        29 as df,
        0.0006176559733061958 as expected_p
    union all
    select
        20.0 as x,
        30 as df,
        0.9165415270653372 as expected_p
    union all
    select
        45.0 as x,
        31 as df,
        0.0498501151481234 as expected_p
    union all
    select
        30.0 as x,
        40 as df,
        0.8752187849674751 as expected_p
    union all
    select
        140.0 as x,
        100 as df,
        0.0051405024585059085 as expected_p

),

typed as (

    select
        cast(x as double) as x,
        cast(df as integer) as df,
        cast(expected_p as double) as expected_p
    from cases

),

results as (

    select
        x,
        df,
        expected_p,
        {{ stats_chi_square_sf('x', 'df') }} as actual_p,
        case when df <= 30 then 2e-7 else 5e-4 end as tolerance
    from typed

)

select *
from results
where actual_p is null or abs(actual_p - expected_p) > tolerance
