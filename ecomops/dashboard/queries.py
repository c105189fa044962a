"""SQL against the published warehouse, one function per page.

Every function takes a read-only DuckDB connection and returns plain Python
values (lists of dicts, floats). Only ``marts.*`` is read.
"""

from __future__ import annotations

import datetime as dt
import decimal
import pathlib
from typing import Any, Sequence

import duckdb

Row = dict[str, Any]


def connect(path: pathlib.Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only (works while other readers hold it)."""
    return duckdb.connect(str(path), read_only=True)


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, decimal.Decimal) else value


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """Run ``sql`` and return its rows as dicts (decimals as floats)."""
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [{name: _plain(value) for name, value in zip(names, record)} for record in cursor.fetchall()]


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> Any:
    """The first column of the first row of ``sql``."""
    record = con.execute(sql, list(params)).fetchone()
    return _plain(record[0]) if record else None


def relation_exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".", 1)
    return bool(scalar(
        con,
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ))


def missing_relations(con: duckdb.DuckDBPyConnection, relations: Sequence[str]) -> list[str]:
    """The ones of ``relations`` (schema.table) not in the warehouse."""
    return [relation for relation in relations if not relation_exists(con, relation)]


# --- Relations each page reads (checked before anything is built) ------------------------

PAGE_RELATIONS: dict[str, tuple[str, ...]] = {
    "index": ("marts.dim_data_window", "marts.fct_orders", "marts.dim_users", "marts.fct_member_kpis_quarterly"),
    "retention": ("marts.fct_cohort_retention", "marts.fct_cohort_retention_summary"),
    "funnel": ("marts.fct_funnel_daily",),
    "churn": ("marts.fct_churn_nodes_daily", "marts.fct_recall_outcomes"),
    "member": ("marts.fct_ltv_curves", "marts.fct_customer_rfm", "marts.fct_customer_clv",
               "marts.fct_clv_parameters"),
    "channels": ("marts.fct_channel_performance_daily", "marts.fct_channel_performance_weekly"),
    "campaigns": ("marts.fct_campaign_performance", "marts.fct_coupon_performance"),
    "logistics": ("marts.fct_delivery_performance_daily", "marts.fct_returns_daily",
                  "marts.fct_after_sales_comparisons"),
    "experiments": ("marts.fct_experiment_results", "marts.fct_experiment_checks"),
    "value": ("marts.fct_value_levels_monthly", "marts.fct_value_level_transitions"),
    "crm": ("marts.fct_crm_audiences_daily", "marts.dim_user_profile"),
    "quality": ("marts.fct_data_quality_quarantine", "marts.fct_data_quality_reconciliation"),
}


def check_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every relation the dashboard needs that the warehouse lacks."""
    return missing_relations(con, sorted({r for rels in PAGE_RELATIONS.values() for r in rels}))


# --- Pages --------------------------------------------------------------------------------

def data_window(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date]:
    """The data's first and last Asia/Shanghai business day."""
    record = rows(con, "select data_start_date, data_end_date from marts.dim_data_window")[0]
    return record["data_start_date"], record["data_end_date"]


def overview(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    totals = rows(con, """
        select
            (select count(*) from marts.dim_users) as new_users,
            sum(paid_gmv_cny) as paid_gmv,
            sum(net_gmv_cny) as net_gmv,
            sum(paid_gmv_cny) / nullif(count(*), 0) as aov
        from marts.fct_orders
        where is_paid
    """)[0]
    quarter = rows(con, """
        select quarter_start_date, repeat_buyers / nullif(buyers, 0) as repurchase_rate
        from marts.fct_member_kpis_quarterly
        where tier_group = 'all' and is_complete_quarter
        order by quarter_start_date desc limit 1
    """)
    totals["repurchase_quarter"] = quarter[0]["quarter_start_date"] if quarter else None
    totals["repurchase_rate"] = quarter[0]["repurchase_rate"] if quarter else None
    monthly = rows(con, """
        select date_trunc('month', paid_date)::date as month,
               sum(paid_gmv_cny) as paid_gmv, sum(net_gmv_cny) as net_gmv
        from marts.fct_orders where is_paid group by 1 order by 1
    """)
    registrations = rows(con, """
        select date_trunc('month', registered_date)::date as month, count(*) as new_users
        from marts.dim_users group by 1 order by 1
    """)
    return {"totals": totals, "monthly": monthly, "registrations": registrations}


_RETENTION_BASE = "cohort_event = 'registration' and activity_type = 'any_event'"


def retention(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    kpis = rows(con, f"""
        select
            sum(d1_retained_users) filter (where is_d1_complete)
                / nullif(sum(cohort_size) filter (where is_d1_complete), 0) as d1_retention,
            sum(d7_retained_users) filter (where is_d7_complete)
                / nullif(sum(cohort_size) filter (where is_d7_complete), 0) as d7_retention,
            sum(d30_retained_users) filter (where is_d30_complete)
                / nullif(sum(cohort_size) filter (where is_d30_complete), 0) as d30_retention
        from marts.fct_cohort_retention_summary
        where {_RETENTION_BASE} and cohort_grain = 'day' and segment_dimension = 'all'
    """)[0]
    kpis["d1_retention_unbounded"] = scalar(con, f"""
        select sum(retained_users_unbounded) / nullif(sum(cohort_size), 0)
        from marts.fct_cohort_retention
        where {_RETENTION_BASE} and cohort_grain = 'day' and segment_dimension = 'all'
          and period_number = 1 and is_complete
    """)
    monthly_triangle = rows(con, f"""
        select segment_dimension, segment_value, cohort_start_date, period_number, cohort_size, retention_rate
        from marts.fct_cohort_retention
        where {_RETENTION_BASE} and cohort_grain = 'month'
        order by segment_dimension <> 'all', segment_dimension, segment_value, cohort_start_date, period_number
    """)
    weekly_triangle = rows(con, f"""
        select cohort_start_date, period_number, cohort_size, retention_rate
        from marts.fct_cohort_retention
        where {_RETENTION_BASE} and cohort_grain = 'week' and segment_dimension = 'all'
        order by cohort_start_date, period_number
    """)
    summary = rows(con, f"""
        select cohort_start_date, cohort_size, d1_retention_rate, d7_retention_rate, d30_retention_rate
        from marts.fct_cohort_retention_summary
        where {_RETENTION_BASE} and cohort_grain = 'month' and segment_dimension = 'all'
        order by cohort_start_date
    """)
    return {"kpis": kpis, "monthly_triangle": monthly_triangle, "weekly_triangle": weekly_triangle,
            "summary": summary}


def funnel(con: duckdb.DuckDBPyConnection, days: int = 30) -> dict[str, Any]:
    """Totals over the last ``days`` days whose windows have closed, and weekly rates."""
    last = scalar(con, "select max(funnel_date) from marts.fct_funnel_daily where is_window_complete")
    totals = rows(con, """
        select min(funnel_date) as first_day, max(funnel_date) as last_day,
               sum(browse_users) as browse, sum(cart_users) as cart,
               sum(order_users) as ordered, sum(paid_users) as paid
        from marts.fct_funnel_daily
        where is_window_complete and funnel_date > ?::date - ?::integer
    """, [last, days])[0]
    weekly = rows(con, """
        select date_trunc('week', funnel_date)::date as week,
               sum(cart_users) / nullif(sum(browse_users), 0) as cart_rate,
               sum(order_users) / nullif(sum(cart_users), 0) as order_rate,
               sum(paid_users) / nullif(sum(order_users), 0) as pay_rate
        from marts.fct_funnel_daily where is_window_complete group by 1 order by 1
    """)
    by_channel = rows(con, """
        select channel,
               sum(cart_users) / nullif(sum(browse_users), 0) as cart_rate,
               sum(order_users) / nullif(sum(cart_users), 0) as order_rate,
               sum(paid_users) / nullif(sum(order_users), 0) as pay_rate
        from marts.fct_funnel_daily
        where is_window_complete and funnel_date > ?::date - ?::integer
        group by channel order by channel
    """, [last, days])
    return {"totals": totals, "weekly": weekly, "by_channel": by_channel, "days": days}


def churn(con: duckdb.DuckDBPyConnection, entry_days: int = 7) -> dict[str, Any]:
    last = scalar(con, "select max(date_day) from marts.fct_churn_nodes_daily")
    daily = rows(con, """
        select date_day, node_code, node_number, entered_count, lost_count, recovered_count, at_node_count
        from marts.fct_churn_nodes_daily where segment_dimension = 'all'
        order by node_number, node_code, date_day
    """)
    stock = rows(con, """
        select node_code, node_number, at_node_count
        from marts.fct_churn_nodes_daily where segment_dimension = 'all' and date_day = ?
        order by node_number, node_code
    """, [last])
    entries = rows(con, """
        select node_code, sum(entered_count) as entries from marts.fct_churn_nodes_daily
        where segment_dimension = 'all' and date_day > ?::date - ?::integer
        group by node_code
    """, [last, entry_days])
    recovery = rows(con, """
        select node_code, node_number,
               1 - sum(cohort_lost_count) / nullif(sum(cohort_deadline_passed_count), 0) as recovery_rate
        from marts.fct_churn_nodes_daily
        where segment_dimension = 'all' and is_cohort_complete
        group by node_code, node_number order by node_number, node_code
    """)
    recall_totals = rows(con, """
        select sum(users_came_back_7d) / nullif(sum(users_at_node), 0) as recall_success_rate,
               sum(users_came_back_7d) / nullif(sum(users_at_node), 0)
                 - sum(control_users_came_back_7d) / nullif(sum(control_users), 0) as recall_uplift
        from marts.fct_recall_outcomes where recall_success_rate is not null
    """)[0]
    recall_steps = rows(con, """
        select recall_step, recall_step_name, message_channel,
               sum(users_came_back_7d) / nullif(sum(users_at_node), 0) as recalled_rate,
               sum(control_users_came_back_7d) / nullif(sum(control_users), 0) as control_rate,
               sum(users_at_node) as users_at_node, sum(control_users) as control_users
        from marts.fct_recall_outcomes where recall_success_rate is not null
        group by all order by recall_step, message_channel
    """)
    return {"last_day": last, "daily": daily, "stock": stock, "entries": entries, "entry_days": entry_days,
            "recovery": recovery, "recall_totals": recall_totals, "recall_steps": recall_steps}


def member(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    curves = rows(con, """
        select segment_type, segment_value, month_number,
               sum(cumulative_paid_gmv_cny) / nullif(sum(customers), 0) as ltv
        from marts.fct_ltv_curves group by all order by segment_type, segment_value, month_number
    """)
    ltv = {row["month_number"]: row["ltv"] for row in curves if row["segment_type"] == "all"}
    rfm = rows(con, """
        select rfm_segment, count(*) as customers, avg(monetary_cny) as avg_monetary
        from marts.fct_customer_rfm group by rfm_segment order by customers desc
    """)
    clv = rows(con, "select clv_12m_cny from marts.fct_customer_clv")
    predicted_clv = scalar(con, "select avg(clv_12m_cny) from marts.fct_customer_clv")
    parameters = rows(con, """
        select fit_window, window_end_date, model_name, parameter_name, parameter_value,
               customers_fitted, is_converged
        from marts.fct_clv_parameters order by fit_window, model_name, parameter_name
    """)
    return {"curves": curves, "ltv": ltv, "rfm": rfm, "clv": [r["clv_12m_cny"] for r in clv],
            "predicted_clv": predicted_clv, "parameters": parameters}


def channels(con: duckdb.DuckDBPyConnection, daily_days: int = 90) -> dict[str, Any]:
    latest_week = scalar(con, "select max(iso_week_start_date) from marts.fct_channel_performance_weekly")
    model = scalar(con, "select any_value(budget_attribution_model) from marts.fct_channel_performance_weekly")
    gmv_col = f"credited_gmv_{model}_cny"
    week = rows(con, f"""
        select channel, spend_cny, {gmv_col} as credited_gmv, budget_roi, previous_week_budget_roi,
               budget_action, new_registered_users, cac_per_registration_cny, uv_value_cny,
               days_in_data, is_complete_week, iso_week_end_date
        from marts.fct_channel_performance_weekly where iso_week_start_date = ?
        order by budget_roi desc nulls last, channel
    """, [latest_week])
    totals = rows(con, f"""
        select sum({gmv_col}) / nullif(sum(spend_cny), 0) as channel_roi, sum(spend_cny) as channel_spend
        from marts.fct_channel_performance_weekly where iso_week_start_date = ?
    """, [latest_week])[0]
    totals |= rows(con, f"""
        select sum(spend_cny) / nullif(sum(new_registered_users), 0) as channel_cac,
               sum({gmv_col}) / nullif(sum(unique_visitors), 0) as uv_value
        from marts.fct_channel_performance_daily where iso_week_start_date = ?
    """, [latest_week])[0]
    weekly = rows(con, """
        select iso_week_start_date, channel, budget_roi, spend_cny
        from marts.fct_channel_performance_weekly order by channel, iso_week_start_date
    """)
    daily = rows(con, f"""
        select date_day, sum({gmv_col}) / nullif(sum(spend_cny), 0) as roi, sum(spend_cny) as spend
        from marts.fct_channel_performance_daily
        where date_day > (select max(date_day) from marts.fct_channel_performance_daily) - ?::integer
        group by date_day order by date_day
    """, [daily_days])
    return {"latest_week": latest_week, "model": model, "week": week, "totals": totals,
            "weekly": weekly, "daily": daily, "daily_days": daily_days}


def campaigns(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    table = rows(con, """
        select campaign_id, campaign_name, campaign_type, start_date, end_date, actual_cost_cny,
               gmv_cny, roi, participants, new_users, paid_orders, d30_retention_rate
        from marts.fct_campaign_performance order by start_date, campaign_id
    """)
    roi = scalar(con, """
        select sum(gmv_cny) / nullif(sum(actual_cost_cny), 0) from marts.fct_campaign_performance
    """)
    return {"table": table, "roi": roi}


def experiments(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    table = rows(con, """
        select experiment_id, readout_type, group_name, control_group_name, metric_name, test_name,
               sample_size, metric_value, control_metric_value, absolute_difference, relative_difference,
               ci_lower, ci_upper, p_value, is_significant, is_complete
        from marts.fct_experiment_results where not is_control
        order by experiment_id, readout_type desc, metric_name
    """)
    checks = rows(con, """
        select experiment_id, readout_type, observed_users_by_group, expected_users_by_group, chi_square_statistic,
               p_value, srm_p_value_threshold, is_sample_ratio_mismatch
        from marts.fct_experiment_checks
        order by experiment_id, readout_type desc
    """)
    return {"table": table, "checks": checks}


def quality(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    quarantine = rows(con, f"""
        select entity, rule, sum(quarantined_rows) as quarantined_rows
        from marts.fct_data_quality_quarantine group by entity, rule order by entity, rule
    """)
    reconciliation = rows(con, f"""
        select entity, source_name, raw_rows, staged_rows, quarantined_rows, duplicate_rows,
               pii_masked_values, is_reconciled
        from marts.fct_data_quality_reconciliation order by source_name, entity
    """)
    return {"quarantine": quarantine, "reconciliation": reconciliation,
            "total": sum(row["quarantined_rows"] for row in quarantine)}


def logistics(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Delivery, returns and the after-sales comparisons (models/marts/logistics)."""
    totals = rows(con, """
        select
            sum(orders_delivered_within_72h) / nullif(sum(orders_delivered), 0) as delivered_within_72h_rate,
            sum(orders_late_against_promise) / nullif(sum(orders_promise_judged), 0) as late_delivery_rate
        from marts.fct_delivery_performance_daily
    """)[0]
    totals.update(rows(con, """
        select
            sum(returned_orders) / nullif(sum(delivered_orders), 0) as return_rate,
            sum(returned_orders_delivered_late) / nullif(sum(returned_orders), 0) as late_delivery_share_of_returns
        from marts.fct_returns_daily
    """)[0])
    monthly = rows(con, """
        select strftime(date_trunc('month', shipped_date), '%Y-%m') as month,
               sum(orders_delivered_within_72h) / nullif(sum(orders_delivered), 0) as within_72h,
               sum(orders_late_against_promise) / nullif(sum(orders_promise_judged), 0) as late
        from marts.fct_delivery_performance_daily group by 1 order by 1
    """)
    carriers = rows(con, """
        select carrier, sum(orders_shipped) as shipped,
               sum(orders_delivered_within_72h) / nullif(sum(orders_delivered), 0) as within_72h,
               sum(orders_late_against_promise) / nullif(sum(orders_promise_judged), 0) as late
        from marts.fct_delivery_performance_daily group by carrier order by shipped desc
    """)
    reasons = rows(con, """
        select sum(returns_late_delivery) as late_delivery, sum(returns_quality) as quality,
               sum(returns_wrong_size_shade) as wrong_size_shade, sum(returns_not_as_described) as not_as_described,
               sum(returns_changed_mind) as changed_mind, sum(returns_unknown_reason) as unknown
        from marts.fct_returns_daily
    """)[0]
    comparisons = rows(con, """
        select comparison, metric_name, treated_group, control_group, treated_orders, control_orders,
               treated_rate, control_rate, absolute_difference, ci_lower, ci_upper, p_value, is_significant
        from marts.fct_after_sales_comparisons order by comparison, metric_name
    """)
    return {"totals": totals, "monthly": monthly, "carriers": carriers, "reasons": reasons,
            "comparisons": comparisons}


def coupons(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Coupon templates (满X减Y) across campaigns, from fct_coupon_performance."""
    return rows(con, """
        select template_name, sum(coupons_issued) as issued, sum(coupons_redeemed) as redeemed,
               sum(coupons_redeemed) / nullif(sum(coupons_issued), 0) as redemption_rate,
               sum(coupon_cost_cny) as cost, sum(redeemed_order_gmv_cny) as gmv
        from marts.fct_coupon_performance
        group by template_name, threshold_amount_cny, discount_value_cny
        order by issued desc
    """)


def value_levels(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Value levels S/A/B/C/D (models/marts/value): pooled shares (summed counts, never averaged rates),
    per month and level, AOV by level and the moves out of S."""
    totals = rows(con, """
        select
            sum(paying_users) filter (where value_level = 'S') / nullif(sum(paying_users), 0) as buyer_share,
            sum(users) filter (where value_level = 'S') / nullif(sum(users), 0) as user_share,
            sum(paid_gmv_cny) filter (where value_level = 'S') / nullif(sum(paid_gmv_cny), 0) as gmv_share,
            sum(paid_gmv_cny) filter (where value_level = 'S')
                / nullif(sum(paid_orders) filter (where value_level = 'S'), 0) as s_aov,
            sum(paid_gmv_cny) filter (where value_level <> 'S')
                / nullif(sum(paid_orders) filter (where value_level <> 'S'), 0) as rest_aov,
            count(distinct month_start_date) as months,
            min(month_start_date) as first_month, max(month_start_date) as last_month
        from marts.fct_value_levels_monthly
    """)[0]
    monthly = rows(con, """
        select strftime(month_start_date, '%Y-%m') as month, value_level, value_level_rank, is_complete_month,
               users, user_share, gmv_share
        from marts.fct_value_levels_monthly order by month_start_date, value_level_rank
    """)
    aov = rows(con, """
        select value_level, sum(paid_gmv_cny) / nullif(sum(paid_orders), 0) as aov, sum(paid_orders) as paid_orders
        from marts.fct_value_levels_monthly
        group by value_level, value_level_rank having sum(paid_orders) > 0 order by value_level_rank
    """)
    from_s = rows(con, """
        select to_level, any_value(transition_type) as transition_type, sum(users) as users,
               sum(from_level_users) as from_level_users, sum(users) / nullif(sum(from_level_users), 0) as share
        from marts.fct_value_level_transitions where from_level = 'S'
        group by to_level, to_level_rank order by to_level_rank
    """)
    return {"totals": totals, "monthly": monthly, "aov": aov, "from_s": from_s}


def crm(con: duckdb.DuckDBPyConnection, daily_days: int = 90) -> dict[str, Any]:
    """CRM audiences (fct_crm_audiences_daily) on the data's last day and over its last ``daily_days`` days,
    and profile users by lifecycle stage x value level (dim_user_profile: counts only, no user ids)."""
    last = scalar(con, "select data_end_date from marts.dim_data_window")
    today = rows(con, """
        select sum(member_count) as members, sum(eligible_users) as eligible,
               sum(members_excluded_unreachable) as unreachable, sum(members_excluded_sms_cap) as sms_cap
        from marts.fct_crm_audiences_daily where date_day = ?
    """, [last])[0]
    daily = rows(con, """
        select date_day, audience_name, member_count
        from marts.fct_crm_audiences_daily
        where date_day > ?::date - ?::integer and date_day <= ?::date
        order by audience_name, date_day
    """, [last, daily_days, last])
    by_audience = rows(con, """
        select audience_name, any_value(action_channel) as action_channel, sum(eligible_users) as eligible,
               sum(member_count) as members, sum(members_excluded_unreachable) as unreachable,
               sum(members_excluded_sms_cap) as sms_cap
        from marts.fct_crm_audiences_daily group by audience_name order by audience_name
    """)
    profile = rows(con, """
        select coalesce(lifecycle_stage, 'none') as lifecycle_stage, coalesce(value_level, 'none') as value_level,
               count(*) as users
        from marts.dim_user_profile group by all
    """)
    return {"last_day": last, "daily_days": daily_days, "today": today, "daily": daily,
            "by_audience": by_audience, "profile": profile,
            "profiled_users": scalar(con, "select count(*) from marts.dim_user_profile")}
