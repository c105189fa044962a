"""The dashboard's pages: query results turned into KPI tiles, charts and tables."""

from __future__ import annotations

import collections
import html
import json
import pathlib
from typing import Any, Callable

import duckdb

from ecomops.dashboard import charts, queries
from ecomops.dashboard.render import Chart, Kpi, Note, Page, Table, cny, count, e, pct, pp, ratio, table_html


def overview(con: duckdb.DuckDBPyConnection, context: dict[str, Any]) -> Page:
    data = queries.overview(con)
    t = data["totals"]
    months = [r["month"] for r in data["monthly"]]
    return Page(
        slug="index", title="Overview 总览",
        intro="Headline figures over the whole data window; the pages above break them down. "
              "Every figure names its metric and shows the definition from the semantic layer (models/semantic).",
        kpis=[Kpi("new_users", t["new_users"], count, "registered users, whole window"),
              Kpi("paid_gmv", t["paid_gmv"], cny, "whole window"),
              Kpi("net_gmv", t["net_gmv"], cny, "whole window"),
              Kpi("aov", t["aov"], cny, "per paid order"),
              Kpi("repurchase_rate", t["repurchase_rate"], pct,
                  f"quarter starting {t['repurchase_quarter']} (latest complete)")],
        blocks=[
            Chart("paid_gmv", charts.lines(
                {"paid GMV 支付GMV": (months, [r["paid_gmv"] for r in data["monthly"]]),
                 "net GMV 净GMV": (months, [r["net_gmv"] for r in data["monthly"]])},
                "Monthly paid and net GMV 月度支付GMV与净GMV (CNY)", "CNY")),
            Chart("new_users", charts.bars(
                [r["month"] for r in data["registrations"]],
                {"new users 新增用户": [r["new_users"] for r in data["registrations"]]},
                "Monthly new users 月度新增用户", "users")),
        ],
    )


def retention(con: duckdb.DuckDBPyConnection, context: dict[str, Any]) -> Page:
    data = queries.retention(con)
    k = data["kpis"]
    s = data["summary"]
    cohorts = [r["cohort_start_date"] for r in s]
    note = "registration cohorts, any activity, complete cohorts"
    return Page(
        slug="retention", title="Retention 留存",
        intro="Registration cohorts (注册留存), any recorded activity counts as retained. Blank cells are "
              "not yet complete (the period ends after the data's last day), never zero.",
        kpis=[Kpi("d1_retention", k["d1_retention"], pct, note),
              Kpi("d7_retention", k["d7_retention"], pct, note),
              Kpi("d30_retention", k["d30_retention"], pct, note),
              Kpi("d1_retention_unbounded", k["d1_retention_unbounded"], pct, "active on day 1 or later")],
        blocks=[
            Chart("cohort_retention_rate", charts.cohort_heatmap_by_segment(
                data["monthly_triangle"],
                "Cohort retention triangle by segment 分群留存矩阵 (monthly cohorts; choose a segment)")),
            Chart("d30_retention", charts.lines(
                {"D1 次日留存": (cohorts, [r["d1_retention_rate"] for r in s]),
                 "D7 7日留存": (cohorts, [r["d7_retention_rate"] for r in s]),
                 "D30 30日留存": (cohorts, [r["d30_retention_rate"] for r in s])},
                "D1 / D7 / D30 retention by monthly cohort 次日/7日/30日留存率", "retention", ".0%",
                mode="lines+markers")),
            Chart("cohort_retention_rate", charts.cohort_heatmap(
                data["weekly_triangle"], "Weekly cohort triangle, all users 周留存矩阵", "weeks since registration")),
        ],
    )


def funnel(con: duckdb.DuckDBPyConnection, context: dict[str, Any]) -> Page:
    data = queries.funnel(con)
    t = data["totals"]
    w = data["weekly"]
    ch = data["by_channel"]
    window = f"{t['first_day']} – {t['last_day']}"
    weeks = [r["week"] for r in w]
    return Page(
        slug="funnel", title="Funnel 转化漏斗",
        intro=f"Browse → cart → order → pay, users per day summed over channels and devices; only days whose "
              f"conversion windows have closed. KPIs and the funnel cover the last {data['days']} such days ({window}).",
        kpis=[Kpi("funnel_cart_rate", t["cart"] / t["browse"] if t["browse"] else None, pct, window),
              Kpi("funnel_order_rate", t["ordered"] / t["cart"] if t["cart"] else None, pct, window),
              Kpi("funnel_pay_rate", t["paid"] / t["ordered"] if t["ordered"] else None, pct, window)],
        blocks=[
            Chart("funnel_pay_rate", charts.funnel(
                ["browse 浏览", "cart 加购", "order 下单", "pay 支付"],
                [t["browse"], t["cart"], t["ordered"], t["paid"]],
                f"Conversion funnel 转化漏斗, last {data['days']} complete days (user-days)")),
            Chart("funnel_cart_rate", charts.lines(
                {"browse→cart 加购率": (weeks, [r["cart_rate"] for r in w]),
                 "cart→order 下单率": (weeks, [r["order_rate"] for r in w]),
                 "order→pay 支付率": (weeks, [r["pay_rate"] for r in w])},
                "Weekly step conversion rates 周转化率", "rate", ".0%")),
            Chart("funnel_order_rate", charts.bars(
                [r["channel"] for r in ch],
                {"browse→cart 加购率": [r["cart_rate"] for r in ch],
                 "cart→order 下单率": [r["order_rate"] for r in ch],
                 "order→pay 支付率": [r["pay_rate"] for r in ch]},
                f"Step conversion by channel 分渠道转化率, last {data['days']} complete days", "rate", ".0%")),
        ],
    )


def churn(con: duckdb.DuckDBPyConnection, context: dict[str, Any]) -> Page:
    data = queries.churn(con)
    rt = data["recall_totals"]
    stock_series: dict[str, tuple[list[Any], list[Any]]] = collections.defaultdict(lambda: ([], []))
    for r in data["daily"]:
        stock_series[r["node_code"]][0].append(r["date_day"])
        stock_series[r["node_code"]][1].append(r["at_node_count"])
    steps = data["recall_steps"]
    step_labels = [f"{r['recall_step']} {r['recall_step_name']} / {r['message_channel']}" for r in steps]
    entries = {r["node_code"]: r["entries"] for r in data["entries"]}
    recovery = {r["node_code"]: r["recovery_rate"] for r in data["recovery"]}
    stock_rows = [[r["node_code"], r["at_node_count"], entries.get(r["node_code"], 0),
                   recovery.get(r["node_code"])] for r in data["stock"]]
    return Page(
        slug="churn", title="Churn nodes 流失节点",
        intro="Users enter a churn node (注册后无行为, 加购未下单, 下单未支付, 签收未复购, 沉睡) and either recover "
              "before the node's deadline or are lost; each window is its own node code. Recall (召回) outcomes "
              "are compared with the holdout control group.",
        kpis=[Kpi("recall_success_rate", rt["recall_success_rate"], pct, "recalled users back within 7 days"),
              Kpi("recall_uplift", rt["recall_uplift"], pp, "vs holdout control")],
        blocks=[
            Chart("churn_node_stock", charts.lines(
                dict(stock_series), "Daily stock at each node 节点存量 (end of day)", "episodes at node")),
            Chart("churn_node_entries", charts.churn_flows(
                data["daily"], "Daily flows per node 节点流量: entries, losses, recoveries (choose a node)")),
            Chart("churn_recovery_rate", charts.bars(
                [r["node_code"] for r in data["recovery"]],
                {"recovered before deadline 挽回率": [r["recovery_rate"] for r in data["recovery"]]},
                "Recovery before the deadline by node 节点挽回率 (complete entry cohorts)", "rate", ".0%")),
            Chart("recall_success_rate", charts.bars(
                step_labels,
                {"recalled 召回组": [r["recalled_rate"] for r in steps],
                 "holdout control 对照组": [r["control_rate"] for r in steps]},
                "Recall success vs holdout by step and channel 召回成功率 vs 对照组", "came back within 7 days", ".0%")),
            Table("churn_node_stock", f"Per node on {data['last_day']}: stock 存量, entries 进入, recovery 挽回率",
                  ["node code", "stock at end of day", f"entries, last {data['entry_days']} days",
                   "recovery rate (complete cohorts)"], stock_rows),
        ],
    )


def member(con: duckdb.DuckDBPyConnection, context: dict[str, Any]) -> Page:
    data = queries.member(con)
    by_type: dict[str, dict[str, tuple[list[Any], list[Any]]]] = collections.defaultdict(
        lambda: collections.defaultdict(lambda: ([], [])))
    for r in data["curves"]:
        by_type[r["segment_type"]][r["segment_value"]][0].append(r["month_number"])
        by_type[r["segment_type"]][r["segment_value"]][1].append(r["ltv"])
    tier = dict(by_type["first_order_tier"]) | {"all": by_type["all"]["all"]}
    ltv = data["ltv"]
    rfm = data["rfm"]
    params = [[p["fit_window"], p["window_end_date"], p["model_name"], p["parameter_name"], p["parameter_value"],
               p["customers_fitted"], p["is_converged"]] for p in data["parameters"]]
    return Page(
        slug="member", title="Member value 会员价值",
        intro="LTV: average cumulative paid GMV per customer of first-paid-order cohorts, pooled over the cohorts "
              "that have reached the month. RFM segments and the BG/NBD + Gamma-Gamma 12-month CLV (预测CLV).",
        kpis=[Kpi(f"ltv_month_{n}", ltv.get(n), cny, "all customers") for n in (1, 3, 6, 12)]
             + [Kpi("predicted_clv", data["predicted_clv"], cny, "mean over customers")],
        blocks=[
            Chart("ltv_month_12", charts.lines(
                tier, "LTV curve by first-order tier 分会员等级LTV曲线 (CNY)", "avg cumulative paid GMV, CNY",
                mode="lines+markers", x_title="months since the first-paid-order month")),
            Chart("ltv_month_12", charts.lines(
                dict(by_type["acquisition_channel"]), "LTV curve by acquisition channel 分渠道LTV曲线 (CNY)",
                "avg cumulative paid GMV, CNY", height=520, x_title="months since the first-paid-order month")),
            Chart("rfm_customers", charts.bars(
                [r["rfm_segment"] for r in rfm], {"customers 客户数": [r["customers"] for r in rfm]},
                "Customers by RFM segment RFM分群客户数", "customers")),
            Chart("predicted_clv", charts.histogram(
                data["clv"], "Predicted 12-month CLV per customer 预测CLV分布", "CLV 12 months, CNY")),
            Table("predicted_clv", "CLV model parameters CLV模型参数 (BG/NBD, Gamma-Gamma)",
                  ["fit window", "window end", "model", "parameter", "value", "customers fitted", "converged"],
                  params),
        ],
    )


_VALUE_LEVELS = ("S", "A", "B", "C", "D")


def _month_label(row: dict[str, Any]) -> str:
    return row["month"] if row["is_complete_month"] else f"{row['month']} (partial)"


def value_levels(con: duckdb.DuckDBPyConnection, context: dict[str, Any]) -> Page:
    data = queries.value_levels(con)
    t = data["totals"]
    monthly = data["monthly"]
    months = list(dict.fromkeys(_month_label(r) for r in monthly))
    shares = {level: [r["user_share"] for r in monthly if r["value_level"] == level] for level in _VALUE_LEVELS}
    s_rows = [r for r in monthly if r["value_level"] == "S"]
    span = f"{t['months']} months {t['first_month']:%Y-%m} – {t['last_month']:%Y-%m}"
    pooled = f"{span}, pooled (user-months)"
    moves = [[r["to_level"], r["transition_type"], r["users"], r["from_level_users"], r["share"]]
             for r in data["from_s"]]
    return Page(
        slug="value", title="Value levels 用户价值分层",
        intro="Every active user gets a level S, A, B, C or D each Asia/Shanghai month by paid orders (购买频次), "
              "spend (客单价) and interactions (互动深度); S = 3+ paid orders and 5+ interactions in the month. "
              "Over several months the counts are summed, never the monthly rates averaged: a share pools "
              "user-months (docs/value_levels.md).",
        kpis=[Kpi("value_s_level_buyer_share", t["buyer_share"], pct, pooled),
              Kpi("value_s_level_user_share", t["user_share"], pct, pooled),
              Kpi("value_s_level_gmv_share", t["gmv_share"], pct, f"{span}, GMV summed"),
              Kpi("value_s_level_aov", t["s_aov"], cny, "S-level users' paid orders, pooled"),
              Kpi("value_non_s_level_aov", t["rest_aov"], cny, "levels A-D, pooled")],
        blocks=[
            Chart("value_level_users", charts.bars(
                months, {f"{level}级": shares[level] for level in _VALUE_LEVELS},
                "Share of active users by value level per month 各等级活跃用户占比", "share of active users",
                y_format=".0%", barmode="stack")),
            Chart("value_s_level_gmv_share", charts.lines(
                {"S share of GMV S级GMV占比": ([_month_label(r) for r in s_rows], [r["gmv_share"] for r in s_rows])},
                "S-level share of GMV per month S级用户GMV占比", "share of the month's GMV", ".0%",
                mode="lines+markers")),
            Chart("value_level_aov", charts.bars(
                [r["value_level"] for r in data["aov"]], {"AOV 客单价": [r["aov"] for r in data["aov"]]},
                f"AOV by value level 各等级客单价 (CNY, {span} pooled; C and D have no paid orders)", "CNY")),
            Table("value_level_transition_users",
                  f"Where S-level users go the next month S级用户次月流向 "
                  f"({len(months) - 1} month-to-month moves, pooled)",
                  ["level next month", "move", "users", "S users the month before", "share of S users"], moves),
        ],
    )


_LIFECYCLE_STAGES = ("new", "growth", "mature", "declining", "none")


def _profile_grid(cells: list[dict[str, Any]]) -> list[list[Any]]:
    """Profile users by lifecycle stage (rows) x value level (columns), with row totals."""
    counts = {(r["lifecycle_stage"], r["value_level"]): r["users"] for r in cells}
    stages = [s for s in _LIFECYCLE_STAGES if any(k[0] == s for k in counts)]
    stages += sorted({k[0] for k in counts} - set(stages))
    levels = (*_VALUE_LEVELS, "none")
    return [[stage, *(counts.get((stage, level), 0) for level in levels),
             sum(counts.get((stage, level), 0) for level in levels)] for stage in stages]


def crm(con: duckdb.DuckDBPyConnection, context: dict[str, Any]) -> Page:
    data = queries.crm(con)
    today = data["today"]
    last_day = data["last_day"]
    daily: dict[str, tuple[list[Any], list[Any]]] = collections.defaultdict(lambda: ([], []))
    for r in data["daily"]:
        daily[r["audience_name"]][0].append(r["date_day"])
        daily[r["audience_name"]][1].append(r["member_count"])
    audiences = data["by_audience"]
    names = [f"{r['audience_name']} ({r['action_channel']})" for r in audiences]
    on_last = f"on {last_day}, all audiences"
    return Page(
        slug="crm", title="Profile and audiences 用户画像 / 人群",
        intro="CRM audiences (动态人群筛选) are defined in var crm_audiences; members of a day are the users an "
              "audience's rule selects, less the unreachable on its channel and, for SMS, those at the daily "
              "marketing SMS cap. Audience counts are users per day (user-days when summed over days). The profile "
              "(用户画像) is one row per user as of the data's last day; this page shows counts only, no user ids "
              "(docs/crm_audiences.md).",
        kpis=[Kpi("crm_audience_members", today["members"], count, on_last),
              Kpi("crm_audience_eligible", today["eligible"], count, on_last),
              Kpi("crm_audience_excluded_unreachable", today["unreachable"], count, on_last),
              Kpi("crm_audience_excluded_by_sms_cap", today["sms_cap"], count, on_last),
              Kpi("profiled_users", data["profiled_users"], count, f"as of {last_day}")],
        blocks=[
            Chart("crm_audience_members", charts.lines(
                dict(daily), f"Daily members per audience 各人群每日人数, last {data['daily_days']} days",
                "members")),
            Chart("crm_audience_eligible", charts.bars(
                names, {"members 入选": [r["members"] for r in audiences],
                        "unreachable 不可触达": [r["unreachable"] for r in audiences],
                        "at the SMS cap 短信频控": [r["sms_cap"] for r in audiences]},
                "Selected users per audience: members and exclusions 人群命中与排除 (whole window, user-days)",
                "user-days", barmode="stack")),
            Table("profiled_users",
                  f"Profile users by lifecycle stage x value level 生命周期 x 价值分层 (as of {last_day})",
                  ["lifecycle stage", *(f"level {level}" for level in _VALUE_LEVELS), "no level", "users"],
                  _profile_grid(data["profile"])),
        ],
    )


_ACTION_COLOURS = {"raise": "#1a7f37", "hold": "#8c959f", "cut_20pct": "#cf222e"}


def channels(con: duckdb.DuckDBPyConnection, context: dict[str, Any]) -> Page:
    data = queries.channels(con)
    t = data["totals"]
    week = data["week"]
    weekly: dict[str, tuple[list[Any], list[Any]]] = collections.defaultdict(lambda: ([], []))
    for r in data["weekly"]:
        weekly[r["channel"]][0].append(r["iso_week_start_date"])
        weekly[r["channel"]][1].append(r["budget_roi"])
    complete = "complete" if week and week[0]["is_complete_week"] else f"partial, {week[0]['days_in_data']} days" if week else ""
    label = f"week of {data['latest_week']} ({complete}), {data['model']} attribution"
    rows = [[r["channel"], r["spend_cny"], r["credited_gmv"], r["budget_roi"], r["previous_week_budget_roi"],
             r["cac_per_registration_cny"], r["budget_action"]] for r in week]
    return Page(
        slug="channels", title="Channels 渠道",
        intro=f"Channel ROI (渠道ROI) = credited GMV under the budget attribution model ({e(data['model'])}) / spend. "
              f"The budget rule's actions (预算动作) for the latest week are in the table.",
        kpis=[Kpi("channel_roi", t["channel_roi"], ratio, label),
              Kpi("channel_spend", t["channel_spend"], cny, label),
              Kpi("channel_cac", t["channel_cac"], cny, label),
              Kpi("uv_value", t["uv_value"], cny, label)],
        blocks=[
            Table("channel_roi", f"This week's budget actions 本周预算动作 ({label})",
                  ["channel", "spend CNY", "credited GMV CNY", "ROI", "previous week ROI", "CAC per registration CNY",
                   "budget action"],
                  rows),
            Chart("channel_roi", charts.bars(
                [r["channel"] for r in week], {"ROI": [r["budget_roi"] for r in week]},
                f"Latest week ROI and budget action 本周渠道ROI与预算动作 (green raise, grey hold, red cut)", "ROI",
                colors=[_ACTION_COLOURS.get(r["budget_action"], "#8c959f") for r in week])),
            Chart("channel_roi", charts.lines(
                dict(weekly), f"Weekly ROI by channel 周渠道ROI ({data['model']})", "ROI", height=520)),
            Chart("channel_spend", charts.lines(
                {"ROI (all channels) 全渠道ROI": ([r["date_day"] for r in data["daily"]],
                                                  [r["roi"] for r in data["daily"]])},
                f"Daily ROI, all channels 日渠道ROI, last {data['daily_days']} days", "ROI")),
        ],
    )


def campaigns(con: duckdb.DuckDBPyConnection, context: dict[str, Any]) -> Page:
    data = queries.campaigns(con)
    coupons = queries.coupons(con)
    table = data["table"]
    names = [r["campaign_name"] for r in table]
    rows = [[r["campaign_name"], r["campaign_type"], r["start_date"], r["end_date"], r["actual_cost_cny"],
             r["gmv_cny"], r["roi"], r["participants"], r["new_users"], r["paid_orders"], r["d30_retention_rate"]]
            for r in table]
    return Page(
        slug="campaigns", title="Campaigns 活动",
        intro="Campaign performance (活动效果): GMV against actual cost (channel spend, coupons, points).",
        kpis=[Kpi("campaign_roi", data["roi"], ratio, "all campaigns: total GMV / total actual cost")],
        blocks=[
            Chart("campaign_roi", charts.bars(names, {"ROI": [r["roi"] for r in table]},
                                              "ROI by campaign 活动ROI", "ROI", height=520)),
            Chart("campaign_roi", charts.scatter(
                [r["actual_cost_cny"] for r in table], [r["gmv_cny"] for r in table], names,
                "GMV vs actual cost 活动GMV与成本", "actual cost, CNY", "GMV, CNY")),
            Table("campaign_roi", "Campaigns 活动明细",
                  ["campaign", "type", "start", "end", "actual cost CNY", "GMV CNY", "ROI", "participants",
                   "new users", "paid orders", "D30 retention"], rows),
            Chart("coupon_redemption_rate", charts.bars(
                [r["template_name"] for r in coupons], {"redemption rate 核销率": [r["redemption_rate"] for r in coupons]},
                "Coupon redemption by template 优惠券模板核销率 (满X减Y, all campaigns)", "redemption rate",
                y_format=".0%")),
            Table("coupon_cost", "Coupon templates 优惠券模板",
                  ["template", "issued", "redeemed", "redemption rate", "cost CNY", "GMV of orders CNY"],
                  [[r["template_name"], r["issued"], r["redeemed"], r["redemption_rate"], r["cost"], r["gmv"]]
                   for r in coupons]),
        ],
    )


def logistics(con: duckdb.DuckDBPyConnection, context: dict[str, Any]) -> Page:
    data = queries.logistics(con)
    t = data["totals"]
    months = [r["month"] for r in data["monthly"]]
    carriers = data["carriers"]
    reasons = data["reasons"]
    comparisons = [r for r in data["comparisons"] if r["ci_lower"] is not None]
    labels = [f"{r['comparison']}: {r['metric_name']}" for r in comparisons]
    return Page(
        slug="logistics", title="Logistics and after-sales 物流售后",
        intro="Delivery against 72 hours and the promise, returns and their reasons, and after-sales "
              "comparisons (a return, a logistics notice) with 95% confidence intervals.",
        kpis=[Kpi("delivered_within_72h_rate", t["delivered_within_72h_rate"], pct, "whole window, by shipment day"),
              Kpi("late_delivery_rate", t["late_delivery_rate"], pct, "against the promised time"),
              Kpi("return_rate", t["return_rate"], pct, "returned / delivered orders"),
              Kpi("late_delivery_share_of_returns", t["late_delivery_share_of_returns"], pct,
                  "returned orders whose parcel arrived late")],
        blocks=[
            Chart("delivered_within_72h_rate", charts.lines(
                {"within 72 h 72小时送达": (months, [r["within_72h"] for r in data["monthly"]]),
                 "late 延迟": (months, [r["late"] for r in data["monthly"]])},
                "Monthly delivery within 72 h and late deliveries 月度72小时送达率与延迟率", "share", y_format=".0%")),
            Chart("late_delivery_rate", charts.bars(
                [r["carrier"] for r in carriers],
                {"within 72 h 72小时送达": [r["within_72h"] for r in carriers],
                 "late 延迟": [r["late"] for r in carriers]},
                "Delivery by carrier 承运商时效", "share", y_format=".0%")),
            Chart("return_rate", charts.bars(
                list(reasons), {"returns 退货": list(reasons.values())},
                "Returns by reason 退货原因", "returns")),
            *([Chart("return_rate", charts.error_bars(
                labels, [r["absolute_difference"] for r in comparisons], [r["ci_lower"] for r in comparisons],
                [r["ci_upper"] for r in comparisons],
                "After-sales comparisons: treated - control with 95% CI 售后对比", "difference", ".1%"))]
              if comparisons else []),
        ],
    )


_RATE_METRICS = {"d1_retention", "d7_retention", "d30_retention", "first_paid_order_conversion"}


def _srm_note(checks: list[dict[str, Any]]) -> str:
    """HTML: the readouts whose split fails the sample-ratio check, or that none does."""
    flagged = [c for c in checks if c["is_sample_ratio_mismatch"]]
    if not checks:
        return "<p>No experiment in the data.</p>"
    if not flagged:
        return f"<p>All {len(checks)} readouts match their design split (fct_experiment_checks).</p>"
    items = "".join(
        f"<li><strong>{html.escape(c['experiment_id'])}</strong> {html.escape(c['readout_type'])}: observed "
        f"{html.escape(str(c['observed_users_by_group']))} against {html.escape(str(c['expected_users_by_group']))}, "
        f"p = {c['p_value']:.2g} &lt; {c['srm_p_value_threshold']:g}</li>" for c in flagged)
    return (f"<p>{len(flagged)} of {len(checks)} readouts fail the sample-ratio check: assignment or logging is "
            f"broken, so their results below must not be read (fct_experiment_checks).</p><ul>{items}</ul>")


def experiments(con: duckdb.DuckDBPyConnection, context: dict[str, Any]) -> Page:
    data = queries.experiments(con)
    table = data["table"]
    # Sample-ratio mismatch: a readout whose split is broken is marked, and never the headline.
    broken = {(c["experiment_id"], c["readout_type"]) for c in data["checks"] if c["is_sample_ratio_mismatch"]}
    headline = next((r for r in table if r["readout_type"] == "ab_test" and r["metric_name"] == "d30_retention"
                     and (r["experiment_id"], "ab_test") not in broken), None)
    blocks: list[Any] = [Note("Sample-ratio check 样本比例检验", _srm_note(data["checks"]))]
    for rates, title, fmt in ((True, "Rate metrics: difference with 95% CI A/B实验差异 (pp)", ".1%"),
                              (False, "Value metrics: difference with 95% CI A/B实验差异 (CNY)", None)):
        part = [r for r in table if (r["metric_name"] in _RATE_METRICS) == rates]
        if not part:
            continue
        blocks.append(Chart("experiment_lift", charts.error_bars(
            [f"{r['experiment_id']} {r['readout_type']} {r['group_name']}−{r['control_group_name']}: {r['metric_name']}"
             for r in part],
            [r["absolute_difference"] for r in part], [r["ci_lower"] for r in part], [r["ci_upper"] for r in part],
            title, "treatment − control", fmt,
            colors=["#cf222e" if r["is_significant"] else "#1f77b4" for r in part])))
    blocks.append(Table("experiment_lift", "Readout A/B实验结果",
                        ["experiment", "readout", "group", "control", "metric", "test", "n", "value", "control value",
                         "difference", "relative", "CI low", "CI high", "p", "significant", "split broken (SRM)"],
                        [[r["experiment_id"], r["readout_type"], r["group_name"], r["control_group_name"],
                          r["metric_name"], r["test_name"], r["sample_size"], r["metric_value"],
                          r["control_metric_value"], r["absolute_difference"], r["relative_difference"],
                          r["ci_lower"], r["ci_upper"], r["p_value"], r["is_significant"],
                          (r["experiment_id"], r["readout_type"]) in broken] for r in table]))
    note = ""
    if headline:
        note = (f"{headline['experiment_id']} {headline['group_name']} vs {headline['control_group_name']}, D30, "
                f"95% CI {pp(headline['ci_lower'])} … {pp(headline['ci_upper'])}, p={headline['p_value']:.3f}")
    return Page(
        slug="experiments", title="A/B readout A/B实验",
        intro="Treatment minus control per metric with its 95% confidence interval (error bars); red = significant. "
              "aa_check rows split the control group in two and should show no difference.",
        kpis=[Kpi("experiment_lift", headline["absolute_difference"] if headline else None, pp, note)],
        blocks=blocks,
    )


def _checkpoint(report: pathlib.Path | None) -> str:
    if report is None or not report.exists():
        return (f"<p>No checkpoint summary at <code>{e(report)}</code>: run <code>make validate</code> "
                "(or pass <code>--quality-report PATH</code>).</p>")
    summary = json.loads(report.read_text(encoding="utf-8"))
    suites = summary.get("suites", [])
    badge = lambda ok: "<span class='pass'>pass</span>" if ok else "<span class='fail'>FAIL</span>"  # noqa: E731
    kinds = collections.Counter((s.get("kind", ""), bool(s.get("success"))) for s in suites)
    failed = [s for s in suites if not s.get("success")]
    rows = [[s.get("suite"), s.get("kind"), s.get("rows"),
             sum(1 for x in s.get("expectations", []) if x.get("success")), len(s.get("expectations", [])),
             "pass" if s.get("success") else "FAIL"] for s in failed + [s for s in suites if s.get("success")]]
    overview = ", ".join(f"{kind}: {n} {'passed' if ok else 'failed'}" for (kind, ok), n in sorted(kinds.items()))
    return (
        f"<p class='checkpoint' data-success='{str(bool(summary.get('success'))).lower()}'>"
        f"Great Expectations checkpoint 数据校验 ran <b>{e(summary.get('generated_at'))}</b>, profile "
        f"<code>{e(summary.get('profile'))}</code>: {badge(bool(summary.get('success')))} — "
        f"{len(suites)} suites ({e(overview)}). Source: <code>{e(report)}</code>.</p>"
        + table_html(["suite", "kind", "rows", "expectations passed", "expectations", "result"], rows)
    )


def quality(con: duckdb.DuckDBPyConnection, context: dict[str, Any]) -> Page:
    data = queries.quality(con)
    quarantine = data["quarantine"]
    entities = sorted({r["entity"] for r in quarantine})
    by_rule: dict[str, list[int]] = collections.defaultdict(lambda: [0] * len(entities))
    for r in quarantine:
        by_rule[r["rule"]][entities.index(r["entity"])] = r["quarantined_rows"]
    recon = data["reconciliation"]
    return Page(
        slug="quality", title="Data quality 数据质量",
        intro="Rows set aside by the staging rules (隔离), the raw-to-staged reconciliation (对账) per entity, and "
              "the last Great Expectations checkpoint.",
        kpis=[Kpi("quarantined_rows", data["total"], count, f"{len(entities)} entities, {len(by_rule)} rules"),
              ],
        blocks=[
            Chart("quarantined_rows", charts.bars(entities, dict(by_rule),
                                                  "Quarantined rows by entity and rule 隔离行数 (按实体与规则)",
                                                  "rows", barmode="stack")),
            Table("quarantined_rows", "Reconciliation 对账: raw = staged + quarantined + duplicates",
                  ["entity", "source", "raw rows", "staged rows", "quarantined rows", "duplicate rows",
                   "PII masked values", "reconciled"],
                  [[r["entity"], r["source_name"], r["raw_rows"], r["staged_rows"], r["quarantined_rows"],
                    r["duplicate_rows"], r["pii_masked_values"], r["is_reconciled"]] for r in recon]),
            Note("Last checkpoint 最近一次校验", _checkpoint(context.get("quality_report"))),
        ],
    )


PAGES: list[Callable[[duckdb.DuckDBPyConnection, dict[str, Any]], Page]] = [
    overview, retention, funnel, churn, member, value_levels, crm, channels, campaigns, logistics, experiments,
    quality,
]
