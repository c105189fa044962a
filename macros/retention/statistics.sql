{#-
    Statistical distribution functions as portable SQL expressions (only
    abs, exp, ln, sqrt and arithmetic), for the A/B readout. Pass column
    names or simple expressions: an argument appears several times in the
    expansion. Accuracy against scipy, checked in
    tests/python/test_experiment_statistics.py:

    - stats_erfc(x): complementary error function, Numerical Recipes'
      Chebyshev fit (erfcc); relative error < 1.2e-7 for every x.
    - stats_normal_two_sided_p(z) = P(|Z| >= |z|) = erfc(|z| / sqrt 2);
      absolute error < 1e-7.
    - stats_t_two_sided_p(t, df) = P(|T_df| >= |t|) for real df > 0, by Hill's
      normalising transformation (ACM algorithm 395, 1970:
      stats_t_to_normal_deviate) followed by erfc; absolute error < 1e-7
      for df >= 10, < 4e-7 for df >= 5.
    - stats_t_quantile_975(df): the 97.5% quantile of Student's t (the
      multiplier of a two-sided 95% confidence interval), Cornish-Fisher
      expansion to 1/df^4 around z = 1.959963984540054; absolute error
      < 1e-5 for df >= 10 and < 1e-9 for df >= 50.
-#}

{% macro stats_erfc(x) -%}
    (case when ({{ x }}) >= 0 then 1.0 else -1.0 end)
    * (
        (1.0 / (1.0 + 0.5 * abs({{ x }})))
        * exp(
            -abs({{ x }}) * abs({{ x }}) - 1.26551223
            + (1.0 / (1.0 + 0.5 * abs({{ x }}))) * (1.00002368
            + (1.0 / (1.0 + 0.5 * abs({{ x }}))) * (0.37409196
            + (1.0 / (1.0 + 0.5 * abs({{ x }}))) * (0.09678418
            + (1.0 / (1.0 + 0.5 * abs({{ x }}))) * (-0.18628806
            + (1.0 / (1.0 + 0.5 * abs({{ x }}))) * (0.27886807
            + (1.0 / (1.0 + 0.5 * abs({{ x }}))) * (-1.13520398
            + (1.0 / (1.0 + 0.5 * abs({{ x }}))) * (1.48851587
            + (1.0 / (1.0 + 0.5 * abs({{ x }}))) * (-0.82215223
            + (1.0 / (1.0 + 0.5 * abs({{ x }}))) * 0.17087277))))))))
        )
        - 1.0
    )
    + 1.0
{%- endmacro %}

{% macro stats_normal_two_sided_p(z) -%}
    {#- capped at 1 (the fit gives 1 + 3e-8 at z = 0); null stays null
        (least() would turn a null into 1 on engines that skip nulls) -#}
    case
        when ({{ z }}) is not null
            then least(1.0, {{ stats_erfc('abs(' ~ z ~ ') / sqrt(2.0)') }})
    end
{%- endmacro %}

{% macro stats_t_to_normal_deviate(t, df) -%}
    {#- Hill's |z| with P(|Z| >= z) = P(|T_df| >= |t|); feed it to
        stats_normal_two_sided_p. -#}
    {%- set y = '((' ~ df ~ ') - 0.5) * ln(1.0 + (' ~ t ~ ') * (' ~ t ~ ') / (' ~ df ~ '))' -%}
    {%- set b = '(48.0 * ((' ~ df ~ ') - 0.5) * ((' ~ df ~ ') - 0.5))' -%}
    (
        (
            (
                (((-0.4 * {{ y }} - 3.3) * {{ y }} - 24.0) * {{ y }} - 85.5)
                / (0.8 * {{ y }} * {{ y }} + 100.0 + {{ b }})
                + {{ y }} + 3.0
            ) / {{ b }}
            + 1.0
        )
        * sqrt({{ y }})
    )
{%- endmacro %}

{% macro stats_t_two_sided_p(t, df) -%}
    {{ stats_normal_two_sided_p(stats_t_to_normal_deviate(t, df)) }}
{%- endmacro %}

{% macro stats_t_quantile_975(df) -%}
    {%- set z = 1.959963984540054 -%}
    (
        {{ z }}
        + {{ (z ** 3 + z) / 4 }} / ({{ df }})
        + {{ (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96 }} / (({{ df }}) * ({{ df }}))
        + {{ (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384 }}
        / (({{ df }}) * ({{ df }}) * ({{ df }}))
        + {{ (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160 }}
        / (({{ df }}) * ({{ df }}) * ({{ df }}) * ({{ df }}))
    )
{%- endmacro %}
