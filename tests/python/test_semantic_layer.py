"""The MetricFlow semantic layer (models/semantic) answers what the marts say.

Each test runs ``mf query`` (the command a BI user runs) on the built
warehouse and compares the result with a value read from a mart by a query
written here, at another grain where the mart has one (the monthly cohort
row against pooled daily cohorts; the mart's own per-row ROI). The metric
YAML is also checked for what a reader needs: a label with the Chinese
term, a description, and one definition per name.
"""

from __future__ import annotations

import csv
import os
import pathlib
import re
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest
import yaml

from conftest import REPO, run_dbt

SEMANTIC_DIR = REPO / "models" / "semantic"
CJK = re.compile(r"[\u4e00-\u9fff]")


def mf_executable() -> str:
    candidate = pathlib.Path(sys.executable).with_name("mf")
    return str(candidate) if candidate.exists() else "mf"


@pytest.fixture(scope="module")
def mf_root(warehouse: pathlib.Path, tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A project root for ``mf``: MetricFlow reads ``<root>/target/semantic_manifest.json``,
    written here by ``dbt parse`` against the test warehouse."""
    root = tmp_path_factory.mktemp("mf_root")
    run_dbt(["parse", "--no-partial-parse", "--quiet"], warehouse, root / "target")
    shutil.copy(REPO / "dbt_project.yml", root / "dbt_project.yml")
    return root


def read_mart(warehouse: pathlib.Path, sql: str) -> list[tuple]:
    """Rows of ``sql`` on the warehouse, opened read-only."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def mf_query(root: pathlib.Path, warehouse: pathlib.Path, *args: str) -> list[dict[str, str]]:
    out = root / "query.csv"
    out.unlink(missing_ok=True)
    env = dict(os.environ, DBT_PROFILES_DIR=str(REPO / "profiles"), ECOMOPS_WAREHOUSE=str(warehouse),
               DBT_LOG_PATH=str(root / "logs"), DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               # the profile's read-only target: mf runs beside other readers of the file
               DBT_TARGET="bi")
    env.pop("DBT_TARGET_PATH", None)
    result = subprocess.run([mf_executable(), "query", *args, "--csv", str(out)], cwd=root, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0 and out.exists(), f"mf query {' '.join(args)} failed:\n{result.stdout[-3000:]}"
    with out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def day(value: str) -> str:
    """The date part of MetricFlow's metric_time (2025-01-01T00:00:00 or 2025-01-01)."""
    return value[:10]


def assert_rounds_to(value: str, mart: Decimal, places: int, key: object) -> None:
    """MetricFlow computes in doubles; the mart rounds half-up to ``places``
    decimals. The double must lie within half a unit of the last place (a
    double just below a half, 29.834999... for 29.835, may round either way)."""
    assert abs(Decimal(value) - mart) <= Decimal(5) / 10 ** (places + 1) + Decimal("1e-9"), (key, value, mart)


def metric_definitions() -> list[dict]:
    metrics = []
    for path in sorted(SEMANTIC_DIR.glob("*.yml")):
        metrics += yaml.safe_load(path.read_text(encoding="utf-8")).get("metrics") or []
    return metrics


def test_every_metric_is_defined_once_with_its_chinese_term() -> None:
    metrics = metric_definitions()
    names = [metric["name"] for metric in metrics]
    assert len(names) == len(set(names)), f"metrics defined twice: {sorted({n for n in names if names.count(n) > 1})}"
    for metric in metrics:
        assert CJK.search(metric.get("label", "")), f"metric {metric['name']} has no Chinese term in its label"
        assert len(metric.get("description", "")) > 40, f"metric {metric['name']} has no formula in words"
    headline = {
        "new_users", "d1_retention", "d7_retention", "d30_retention", "d1_retention_unbounded",
        "d7_retention_unbounded", "d30_retention_unbounded", "repurchase_rate", "aov", "paid_gmv", "net_gmv",
        "funnel_cart_rate", "funnel_order_rate", "funnel_pay_rate", "churn_node_entries", "churn_node_stock",
        "churn_recovery_rate", "recall_success_rate", "recall_uplift", "ltv_month_1", "ltv_month_3",
        "ltv_month_6", "ltv_month_12", "channel_roi", "channel_cac", "uv_value", "campaign_roi",
        *(f"channel_roi_{model}" for model in ("first_touch", "last_touch", "linear", "position_based", "time_decay")),
    }
    assert headline <= set(names), f"headline metrics missing: {sorted(headline - set(names))}"


def test_paid_gmv_and_aov_by_month_equal_fct_orders(mf_root, warehouse) -> None:
    rows = mf_query(mf_root, warehouse, "--metrics", "paid_gmv,paid_orders,aov", "--group-by", "metric_time__month")
    got = {day(row["metric_time__month"]): row for row in rows}
    expected = read_mart(
        warehouse, """
        select strftime(date_trunc('month', paid_date), '%Y-%m-%d'), sum(paid_gmv_cny), count(*)
        from marts.fct_orders where is_paid group by 1
        """
    )
    assert {month for month, _, _ in expected} == set(got), "months differ"
    for month, gmv, orders in expected:
        assert Decimal(got[month]["paid_gmv"]).quantize(Decimal("0.01")) == gmv, month
        assert int(got[month]["paid_orders"]) == orders, month
        assert float(got[month]["aov"]) == pytest.approx(float(gmv) / orders, rel=1e-12), month


def test_d30_retention_by_month_equals_the_monthly_cohorts(mf_root, warehouse) -> None:
    """Pooled complete daily cohorts of a month = the month's own cohort row,
    for months whose every day has reached day 30 (and day 1)."""
    rows = mf_query(mf_root, warehouse, "--metrics", "d1_retention,d30_retention,new_users",
                    "--group-by", "metric_time__month")
    got = {day(row["metric_time__month"]): row for row in rows}
    monthly = read_mart(
        warehouse, """
        select strftime(cohort_start_date, '%Y-%m-%d'), cohort_size, d1_retention_rate, d30_retention_rate
        from marts.fct_cohort_retention_summary
        where cohort_event = 'registration' and activity_type = 'any_event'
          and cohort_grain = 'month' and segment_dimension = 'all' and is_d30_complete
        """
    )
    assert len(monthly) >= 3, "the sample should have several complete months"
    for month, size, d1, d30 in monthly:
        assert int(got[month]["new_users"]) == size, month
        assert float(got[month]["d1_retention"]) == pytest.approx(d1, rel=1e-12), month
        assert float(got[month]["d30_retention"]) == pytest.approx(d30, rel=1e-12), month


def test_campaign_and_channel_roi_equal_the_marts(mf_root, warehouse) -> None:
    rows = mf_query(mf_root, warehouse, "--metrics", "campaign_roi", "--group-by", "campaign__campaign_name")
    got = {row["campaign__campaign_name"]: row["campaign_roi"] for row in rows}
    marts = read_mart(warehouse, "select campaign_name, roi from marts.fct_campaign_performance where roi is not null")
    assert marts and len(got) >= len(marts)
    for name, roi in marts:
        assert_rounds_to(got[name], roi, 4, name)

    rows = mf_query(mf_root, warehouse, "--metrics", "channel_roi_linear,channel_cac",
                    "--group-by", "metric_time__day,channel_day__channel")
    got = {(day(row["metric_time__day"]), row["channel_day__channel"]): row for row in rows}
    daily = read_mart(
        warehouse, """
        select strftime(date_day, '%Y-%m-%d'), channel, roi_linear, cac_per_registration_cny
        from marts.fct_channel_performance_daily where roi_linear is not null
        """
    )
    assert len(daily) > 100
    for date_day, channel, roi, cac in daily:
        row = got[(date_day, channel)]
        assert_rounds_to(row["channel_roi_linear"], roi, 4, (date_day, channel))
        if cac is not None:
            assert_rounds_to(row["channel_cac"], cac, 2, (date_day, channel))


def test_ltv_and_churn_recovery_equal_the_marts(mf_root, warehouse) -> None:
    rows = mf_query(mf_root, warehouse, "--metrics", "ltv_month_3", "--group-by", "metric_time__month")
    got = {day(row["metric_time__month"]): row["ltv_month_3"] for row in rows if row["ltv_month_3"]}
    curve = dict(read_mart(
        warehouse, """
        select strftime(cohort_month, '%Y-%m-%d'), avg_cumulative_paid_gmv_cny from marts.fct_ltv_curves
        where segment_type = 'all' and month_number = 3
        """
    ))
    assert curve and set(got) == set(curve)
    for month, ltv in curve.items():
        assert_rounds_to(got[month], ltv, 2, month)

    rows = mf_query(mf_root, warehouse, "--metrics", "churn_recovery_rate,churn_node_entries",
                    "--group-by", "metric_time__day,churn_node_day__node_code")
    got = {(day(row["metric_time__day"]), row["churn_node_day__node_code"]): row for row in rows}
    daily = read_mart(
        warehouse, """
        select strftime(date_day, '%Y-%m-%d'), node_code, entered_count, loss_rate
        from marts.fct_churn_nodes_daily
        where segment_dimension = 'all' and is_cohort_complete and entered_count > 0
        """
    )
    assert len(daily) > 100
    for date_day, node_code, entered, loss_rate in daily:
        row = got[(date_day, node_code)]
        assert int(row["churn_node_entries"]) == entered, (date_day, node_code)
        assert float(row["churn_recovery_rate"]) == pytest.approx(1 - loss_rate, abs=1e-12), (date_day, node_code)
