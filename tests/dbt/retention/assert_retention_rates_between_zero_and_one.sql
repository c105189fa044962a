-- Invariant: every rate and share of the retention area lies in [0, 1].
with

rates as (

    select
        'fct_cohort_retention' as model_name,
        retention_rate as rate
    from {{ ref('fct_cohort_retention') }}
    union all
    select
        'fct_cohort_retention.unbounded' as model_name,
        retention_rate_unbounded as rate
    from {{ ref('fct_cohort_retention') }}
    union all
    select
        'fct_cohort_retention_brackets' as model_name,
        retention_rate as rate
    from {{ ref('fct_cohort_retention_brackets') }}
    union all
    select
        'fct_cohort_retention_summary.d1' as model_name,
        d1_retention_rate as rate
    from {{ ref('fct_cohort_retention_summary') }}
    union all
    select
        'fct_cohort_retention_summary.d7' as model_name,
        d7_retention_rate as rate
    from {{ ref('fct_cohort_retention_summary') }}
    union all
    select
        'fct_cohort_retention_summary.d30' as model_name,
        d30_retention_rate as rate
    from {{ ref('fct_cohort_retention_summary') }}
    union all
    select
        'fct_funnel_daily.browse_to_cart' as model_name,
        browse_to_cart_rate as rate
    from {{ ref('fct_funnel_daily') }}
    union all
    select
        'fct_funnel_daily.cart_to_order' as model_name,
        cart_to_order_rate as rate
    from {{ ref('fct_funnel_daily') }}
    union all
    select
        'fct_funnel_daily.order_to_paid' as model_name,
        order_to_paid_rate as rate
    from {{ ref('fct_funnel_daily') }}
    union all
    select
        'fct_funnel_daily.browse_to_paid' as model_name,
        browse_to_paid_rate as rate
    from {{ ref('fct_funnel_daily') }}
    union all
    select
        'fct_funnel_daily.session_browse_to_cart' as model_name,
        session_browse_to_cart_rate as rate
    from {{ ref('fct_funnel_daily') }}
    union all
    select
        'fct_funnel_daily.session_cart_to_order' as model_name,
        session_cart_to_order_rate as rate
    from {{ ref('fct_funnel_daily') }}
    union all
    select
        'fct_funnel_daily.session_order_to_paid' as model_name,
        session_order_to_paid_rate as rate
    from {{ ref('fct_funnel_daily') }}
    union all
    select
        'fct_experiment_results.rate_metric' as model_name,
        metric_value as rate
    from {{ ref('fct_experiment_results') }}
    where test_name = 'two_proportion_z_test'
    union all
    select
        'fct_experiment_results.p_value' as model_name,
        p_value as rate
    from {{ ref('fct_experiment_results') }}

)

select
    model_name,
    rate
from rates
where rate < 0 or rate > 1
