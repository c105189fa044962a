{#-
    stats_chi_square_sf(x, df): the upper tail P(X >= x) of the chi-square
    distribution with df degrees of freedom (df a positive integer), as a
    portable SQL expression (abs, exp, sqrt, mod, arithmetic and the erfc
    of macros/retention/statistics.sql). Pass column names: each argument
    appears many times in the expansion.

    - df = 1 .. max_exact_df (default 30), exact closed forms:
      even df: exp(-x/2) * sum_{i < df/2} (x/2)^i / i!;
      odd df: erfc(sqrt(x/2)) + sqrt(2x/pi) exp(-x/2)
      * sum_{r = 1 .. (df-1)/2} x^(r-1) / (3 * 5 * ... * (2r-1))
      (df = 1 is the two-sided normal p of sqrt(x)). Error: that of erfc
      for odd df (absolute < 2e-7), rounding only for even df.
    - df > max_exact_df: the Wilson-Hilferty cube-root normal
      approximation, z = ((x/df)^(1/3) - (1 - 2/(9 df))) / sqrt(2/(9 df)),
      p = erfc(z / sqrt 2) / 2; absolute error < 4e-4 from 31 degrees of
      freedom (measured against scipy over x in 0 .. 4 df: 3.8e-4 at df 31,
      1.9e-4 at 60, 1.1e-4 at 100, 3.6e-5 at 300). An SRM check of more
      than 31 groups is rare; raise max_exact_df for exactness there.
    Null x or df gives null; x <= 0 gives 1. Checked against scipy in
    tests/dbt/retention/assert_experiment_chi_square_matches_scipy.sql.
-#}
{% macro stats_chi_square_sf(x, df, max_exact_df=30) -%}
    {%- set half = '((' ~ x ~ ') / 2.0)' -%}
    {#- the odd sum's first term (r = 1) is 1 from df = 3 on; df = 1 has no sum -#}
    {%- set first_odd = '(case when (' ~ df ~ ') > 1 then 1.0 else 0.0 end)' -%}
    {%- set ns = namespace(even='1.0', odd=first_odd, term_even='1.0', term_odd='1.0') -%}
    {%- for i in range(1, (max_exact_df // 2) + 1) -%}
        {#- even df: term i = (x/2)^i / i!, used when df/2 > i -#}
        {%- set ns.term_even = ns.term_even ~ ' * ' ~ half ~ ' / ' ~ i ~ '.0' -%}
        {%- set ns.even = ns.even ~ '\n        + case when (' ~ df ~ ') > ' ~ (2 * i) ~ ' then ' ~ ns.term_even
            ~ ' else 0.0 end' -%}
        {#- odd df: term r = i + 1 = x^i / (3 * 5 * ... * (2i + 1)), used when (df - 1)/2 > i -#}
        {%- set ns.term_odd = ns.term_odd ~ ' * (' ~ x ~ ') / ' ~ (2 * i + 1) ~ '.0' -%}
        {%- set ns.odd = ns.odd ~ '\n        + case when (' ~ df ~ ') > ' ~ (2 * i + 1) ~ ' then ' ~ ns.term_odd
            ~ ' else 0.0 end' -%}
    {%- endfor -%}
    {%- set wh_scale = '(2.0 / (9.0 * (' ~ df ~ ')))' -%}
    {%- set wh_cube_root = 'exp(ln((' ~ x ~ ') / (' ~ df ~ ')) / 3.0)' -%}
    {%- set wh_z = '((' ~ wh_cube_root ~ ' - (1.0 - ' ~ wh_scale ~ ')) / sqrt(' ~ wh_scale ~ '))' -%}
    case
        when ({{ x }}) is null or ({{ df }}) is null then null
        when ({{ x }}) <= 0 then 1.0
        when ({{ df }}) > {{ max_exact_df }}
            then 0.5 * ({{ stats_erfc(wh_z ~ ' / sqrt(2.0)') }})
        when mod({{ df }}, 2) = 0
            then least(1.0, exp(-{{ half }}) * (
        {{ ns.even }}
            ))
        else least(1.0, {{ stats_erfc('sqrt(' ~ half ~ ')') }}
            + sqrt(2.0 * ({{ x }}) / 3.141592653589793) * exp(-{{ half }}) * (
        {{ ns.odd }}
            ))
    end
{%- endmacro %}
