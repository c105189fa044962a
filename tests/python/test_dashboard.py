"""The operations dashboard (``python -m ecomops dashboard``), built and opened in a real browser.

The dashboard is built into a temporary folder by the CLI (a subprocess),
served by an ``http.server`` thread and driven with Playwright on Debian's
``chromium`` (``make browser`` installs it; Playwright's own browser download
is never used). For every page: no console or page errors, every declared
chart renders, a KPI equals the figure this test queries itself from the mart
(independent SQL, not the dashboard's queries module), and "Data as of"
shows the warehouse's last data day (``conftest.data_window``). Full-page
screenshots go to ``target/dashboard-screenshots/``; with
``ECOMOPS_DASHBOARD_DOC_IMAGES=1`` the retention and channels views are also
written to ``docs/img/`` for the README.

Metric definitions come from ``models/semantic`` (or $ECOMOPS_METRICS_DIR):
an undefined metric fails the build, and so this test.
"""

from __future__ import annotations

import functools
import http.server
import os
import pathlib
import re
import shutil
import subprocess
import sys
import threading
from typing import Callable, Iterator

import duckdb
import pytest
import yaml

from conftest import REPO, data_window

SCREENSHOTS = REPO / "target" / "dashboard-screenshots"
DOC_IMAGES = {"retention": "dashboard_retention.png", "channels": "dashboard_channels.png"}


def run_dashboard(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ecomops", "dashboard", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def missing_names(stderr: str) -> list[str]:
    match = re.search(r"not defined under \S+: ([\w, ]+)", stderr)
    assert match, f"no list of missing metrics in:\n{stderr}"
    return [name.strip() for name in match.group(1).split(",") if name.strip()]


# --- independent expected values: (metric, SQL) per page ---------------------------------

def _latest_week_roi(con: duckdb.DuckDBPyConnection) -> float:
    week, model = con.execute(
        "select iso_week_start_date, budget_attribution_model from marts.fct_channel_performance_weekly "
        "order by iso_week_start_date desc limit 1").fetchone()
    gmv, spend = con.execute(
        f"select sum(credited_gmv_{model}_cny), sum(spend_cny) from marts.fct_channel_performance_weekly "
        "where iso_week_start_date = ?", [week]).fetchone()
    return float(gmv) / float(spend)


def _quarantined_rows(con: duckdb.DuckDBPyConnection) -> float:
    # Counted from the quarantine rows themselves, not from the mart the page reads.
    return float(con.execute("select count(*) from staging.stg_quarantine__rows").fetchone()[0])


def _sql(query: str) -> Callable[[duckdb.DuckDBPyConnection], float]:
    return lambda con: float(con.execute(query).fetchone()[0])


EXPECTED: dict[str, tuple[str, Callable[[duckdb.DuckDBPyConnection], float]]] = {
    "index": ("paid_gmv", _sql("select sum(paid_gmv_cny) from marts.fct_orders where is_paid")),
    "retention": ("d30_retention", _sql(
        "select sum(d30_retained_users) / sum(cohort_size) from marts.fct_cohort_retention_summary "
        "where cohort_event = 'registration' and activity_type = 'any_event' and cohort_grain = 'day' "
        "and segment_dimension = 'all' and is_d30_complete")),
    "funnel": ("funnel_pay_rate", _sql(
        "with last as (select max(funnel_date) as d from marts.fct_funnel_daily where is_window_complete) "
        "select sum(paid_users) / sum(order_users) from marts.fct_funnel_daily, last "
        "where is_window_complete and funnel_date between last.d - 29 and last.d")),
    "churn": ("recall_success_rate", _sql(
        "select sum(users_came_back_7d) / sum(users_at_node) from marts.fct_recall_outcomes "
        "where recall_success_rate is not null")),
    # delivered within 72 h, from the orders themselves (not the logistics mart the page reads)
    "logistics": ("delivered_within_72h_rate", _sql(
        "select avg(case when is_delivered_within_72h then 1.0 else 0.0 end) from marts.fct_orders "
        "where delivered_at is not null")),
    "member": ("predicted_clv", _sql("select avg(clv_12m_cny) from marts.fct_customer_clv")),
    # S share of buyers pooled over months, from the user-month rows (not the level mart the page reads)
    "value": ("value_s_level_buyer_share", _sql(
        "select count(*) filter (where value_level = 'S' and paid_orders > 0)::double "
        "/ count(*) filter (where paid_orders > 0) from marts.fct_user_value_levels_monthly")),
    # members on the data's last day, counted from the CRM export rows (not the daily counts the page reads)
    "crm": ("crm_audience_members", _sql(
        "select count(*) from marts.fct_crm_audience_members "
        "where date_day = (select data_end_date from marts.dim_data_window)")),
    "channels": ("channel_roi", _latest_week_roi),
    "campaigns": ("campaign_roi", _sql(
        "select sum(gmv_cny) / sum(actual_cost_cny) from marts.fct_campaign_performance")),
    # the first experiment (by id) whose split passes the sample-ratio check
    "experiments": ("experiment_lift", _sql(
        "select r.absolute_difference from marts.fct_experiment_results as r "
        "join marts.fct_experiment_checks as c using (experiment_id, readout_type) "
        "where r.readout_type = 'ab_test' and r.metric_name = 'd30_retention' and not r.is_control "
        "and not c.is_sample_ratio_mismatch order by r.experiment_id, r.group_name limit 1")),
    "quality": ("quarantined_rows", _quarantined_rows),
}


def parse_displayed(text: str) -> tuple[float, float]:
    """(value, tolerance) of a KPI's displayed text: 12.34%, +6.06 pp, ¥1,234.56, 3.51x, 1,108."""
    number = float(re.sub(r"[^0-9.+\-]", "", text.replace("−", "-")))
    if text.endswith("%") or text.endswith("pp"):
        return number / 100, 0.00005 + 1e-9
    return number, 0.005 + 1e-9


# --- fixtures ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dashboard(warehouse: pathlib.Path, tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """The dashboard folder, built by the CLI from ``warehouse``."""
    out = tmp_path_factory.mktemp("dashboard") / "site"
    args = ["--warehouse", str(warehouse), "--out", str(out)]
    result = run_dashboard(*args)
    assert result.returncode == 0, f"dashboard build failed:\n{result.stdout}\n{result.stderr}"
    assert (out / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    return out


@pytest.fixture(scope="module")
def last_data_day(warehouse: pathlib.Path) -> str:
    """The warehouse's last data day, recomputed from staging (not from the dashboard)."""
    return data_window(warehouse)[1].isoformat()


@pytest.fixture(scope="module")
def site_url(dashboard: pathlib.Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(dashboard))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def browser_page(site_url: str):
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.fail("Debian's chromium is not installed: run `make browser` (the dashboard test needs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            yield context
        finally:
            context.close()
            browser.close()


# --- tests -------------------------------------------------------------------------------

def test_dashboard_missing_warehouse_says_make_build(tmp_path: pathlib.Path) -> None:
    result = run_dashboard("--warehouse", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path / "site"))
    assert result.returncode == 2, result.stderr
    assert "make build" in result.stderr and "Traceback" not in result.stderr
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = run_dashboard("--warehouse", str(empty), "--out", str(tmp_path / "site"))
    assert result.returncode == 2 and "make build" in result.stderr and "marts." in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "site").exists()


def test_dashboard_undefined_metric_fails_listing_it(warehouse: pathlib.Path, tmp_path: pathlib.Path) -> None:
    definitions = tmp_path / "semantic"
    definitions.mkdir()
    (definitions / "one.yml").write_text(yaml.safe_dump({"metrics": [
        {"name": "paid_gmv", "label": "Paid GMV — 支付GMV", "description": "paid"}]}), encoding="utf-8")
    result = run_dashboard("--warehouse", str(warehouse), "--out", str(tmp_path / "site"),
                           "--definitions", str(definitions))
    assert result.returncode == 1, result.stderr
    missing = missing_names(result.stderr)
    assert "d30_retention" in missing and "paid_gmv" not in missing
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("page_name", list(EXPECTED))
def test_dashboard_page_in_browser(page_name: str, browser_page, site_url: str, last_data_day: str,
                                   connect: duckdb.DuckDBPyConnection) -> None:
    errors: list[str] = []
    page = browser_page.new_page()
    page.on("console", lambda message: errors.append(f"console: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    try:
        page.goto(f"{site_url}/{page_name}.html", wait_until="load")
        declared = int(page.get_attribute("main", "data-chart-count"))
        assert declared > 0, f"{page_name} declares no charts"
        rendered = "() => [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.main-svg')).length"
        page.wait_for_function(f"n => ({rendered})() >= n", arg=declared, timeout=20_000)
        assert page.evaluate("() => document.querySelectorAll('.js-plotly-plot').length") == declared
        assert page.evaluate(rendered) == declared

        last_day = last_data_day
        as_of = page.locator(".data-as-of")
        assert as_of.get_attribute("data-date") == last_day
        assert f"Data as of {last_day}" in as_of.inner_text()

        metric, expected_of = EXPECTED[page_name]
        expected = expected_of(connect)
        tile = page.locator(f".kpi-value[data-metric='{metric}']").first
        assert float(tile.get_attribute("data-value")) == pytest.approx(expected, rel=1e-9, abs=1e-9)
        shown, tolerance = parse_displayed(tile.inner_text().strip())
        assert abs(shown - expected) <= tolerance, f"{metric}: shown {tile.inner_text()!r}, expected {expected}"
        assert page.locator(".definition").count() >= declared

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{page_name}.png"), full_page=True)
        if page_name in DOC_IMAGES and os.environ.get("ECOMOPS_DASHBOARD_DOC_IMAGES") == "1":
            page.screenshot(path=str(REPO / "docs" / "img" / DOC_IMAGES[page_name]), full_page=False)
        assert not errors, f"{page_name}: {errors}"
    finally:
        page.close()
