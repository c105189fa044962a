{#-
    The two-proportion interval and z-test of fct_after_sales_comparisons
    (macros/logistics/two_proportion.sql with stats_normal_two_sided_p)
    against reference values computed with scipy 1.17 (difference -+
    norm.ppf(0.975) x unpooled SE; z on the pooled SE; 2 * norm.sf(|z|)),
    written here as literals. Tolerances: 1e-9 for the interval and z, 2e-7
    for the p-value. Returns the cases outside the tolerance.
-#}
{%- set z_975 = 1.959963984540054 -%}

with

cases as (

    select
        2 as x1,
        10 as n1,
        8 as x0,
        20 as n0,
        -0.5279647038622228 as expected_ci_lower,
        0.12796470386222286 as expected_ci_upper,
        -1.0954451150103321 as expected_z,
        0.27332167829229814 as expected_p
    union all
    select
        30 as x1,
        400 as n1,
        45 as x0,
        500 as n0,
        -0.05099283218981017 as expected_ci_lower,
        0.02099283218981017 as expected_ci_upper,
        -0.8090398349558905 as expected_z,
        0.41849223344681985 as expected_p

),

computed as (

    select
        *,
        cast(x1 as double) / n1 - cast(x0 as double) / n0 as difference,
        {{ two_proportion_interval_se('x1', 'n1', 'x0', 'n0') }} as interval_se,
        {{ two_proportion_null_se('x1', 'n1', 'x0', 'n0') }} as null_se
    from cases

),

statistics as (

    select
        *,
        difference - {{ z_975 }} * interval_se as ci_lower,
        difference + {{ z_975 }} * interval_se as ci_upper,
        difference / null_se as z
    from computed

),

final as (

    select
        *,
        {{ stats_normal_two_sided_p('abs(z)') }} as p_value
    from statistics

)

select * from final
where
    abs(ci_lower - expected_ci_lower) > 1e-9
    or abs(ci_upper - expected_ci_upper) > 1e-9
    or abs(z - expected_z) > 1e-9
    or abs(p_value - expected_p) > 2e-7
