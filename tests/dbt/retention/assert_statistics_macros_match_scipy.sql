{#-
    The SQL approximations of macros/retention/statistics.sql against
    reference values computed with scipy 1.17 (2 * norm.sf(|z|),
    2 * t.sf(|t|, df), t.ppf(0.975, df)), written here as literals.
    Tolerances: 2e-7 for p-values, 1e-5 for the t quantile (df >= 10).
    Returns the cases outside the tolerance.
-#}
with

normal_cases as (

    select
        0.0 as z,
        1.0 as expected_p
    union all
    select
        0.5 as z,
        0.6170750774519738 as expected_p
    union all
    select
        -1.0 as z,
        0.31731050786291415 as expected_p
    union all
    select
        1.959963984540054 as z,
        0.05 as expected_p
    union all
    select
        2.5 as z,
        0.012419330651552265 as expected_p
    union all
    select
        -3.3 as z,
        0.0009668482847675549 as expected_p
    union all
    select
        5.0 as z,
        5.733031437583866e-07 as expected_p

),

t_cases as (

    select
        0.3 as t,
        10.0 as df,
        0.7703206075657986 as expected_p
    union all
    select
        -2.1 as t,
        12.5 as df,
        0.05664330720321412 as expected_p
    union all
    select
        2.228 as t,
        10.0 as df,
        0.05001177181711132 as expected_p
    union all
    select
        1.7 as t,
        57.3 as df,
        0.09455361582086444 as expected_p
    union all
    select
        -3.0 as t,
        230.8 as df,
        0.002995987012132483 as expected_p
    union all
    select
        4.2 as t,
        1500.0 as df,
        2.8262496687369556e-05 as expected_p
    union all
    select
        1.0 as t,
        5000.0 as df,
        0.31735889958802993 as expected_p

),

quantile_cases as (

    select
        10.0 as df,
        2.228138851986274 as expected_q
    union all
    select
        12.5 as df,
        2.1691859427125406 as expected_q
    union all
    select
        30.0 as df,
        2.0422724563012378 as expected_q
    union all
    select
        57.3 as df,
        2.002238268231336 as expected_q
    union all
    select
        230.8 as df,
        1.970295650644924 as expected_q
    union all
    select
        1500.0 as df,
        1.9615467538950184 as expected_q

),

typed_normal as (

    select
        cast(z as double) as z,
        cast(expected_p as double) as expected_p
    from normal_cases

),

typed_t as (

    select
        cast(t as double) as t,
        cast(df as double) as df,
        cast(expected_p as double) as expected_p
    from t_cases

),

t_deviates as (

    select
        t,
        expected_p,
        {{ stats_t_to_normal_deviate('t', 'df') }} as normal_deviate
    from typed_t

),

typed_quantiles as (

    select
        cast(df as double) as df,
        cast(expected_q as double) as expected_q
    from quantile_cases

),

results as (

    select
        'normal_p' as function_name,
        z as argument,
        expected_p as expected_value,
        {{ stats_normal_two_sided_p('z') }} as actual_value,
        2e-7 as tolerance
    from typed_normal

    union all

    select
        't_p' as function_name,
        t as argument,
        expected_p as expected_value,
        {{ stats_normal_two_sided_p('normal_deviate') }} as actual_value,
        2e-7 as tolerance
    from t_deviates

    union all

    select
        't_quantile_975' as function_name,
        df as argument,
        expected_q as expected_value,
        {{ stats_t_quantile_975('df') }} as actual_value,
        1e-5 as tolerance
    from typed_quantiles

)

select *
from results
where actual_value is null or abs(actual_value - expected_value) > tolerance
