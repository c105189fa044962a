"""``ecomops validate`` on exports other than the committed sample.

- A minimal export (issue 10): only users and orders. The warehouse is built
  here, in a temporary DuckDB file, from the sample warehouse: every table of
  the users and orders chain keeps only the rows of a few customers, every
  aggregate mart keeps a few rows (each invariant is a row-wise or
  uniqueness rule, so it holds on any subset of a passing table), and every
  table of the other eleven entities, and each mart that needs one of them,
  is empty with its columns and types. ``--profile any`` must pass there,
  say which suites ran on 0 rows, and run no calibration check;
  ``--profile sample`` runs the calibration checks, which this export
  legitimately breaks.
- The data's window: read from ``intermediate.int_data_window``, else from
  the orders and users (a warehouse built before that model), and the
  command-line dates override both. The expected dates are written into the
  tiny warehouses here, not computed by the code under test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pathlib
import shutil

import duckdb
import pytest

from ecomops.quality import validate
from ecomops.quality import warehouse as wh
from ecomops.quality.gx_project import COMMITTED, GX_ROOT
from ecomops.quality.spec import RAW_ENTITIES, SUITES

CUSTOMERS = 20
# Relations of the users and orders chain, filtered to CUSTOMERS users.
BY_USER = (
    "staging.base_shop__users", "staging.stg_shop__users", "staging.base_shop__orders", "staging.stg_shop__orders",
    "marts.dim_users", "marts.fct_orders", "marts.fct_customer_rfm", "marts.fct_customer_clv",
    "marts.fct_order_attribution", "marts.dim_member_tier_history", "marts.fct_member_ltv",
    "marts.fct_churn_node_episodes", "marts.fct_member_tier_reconciliation",
    "marts.fct_user_value_levels_monthly",
    "marts.dim_user_profile", "marts.fct_crm_audience_members",
)
# Aggregate marts computed from users and orders alone: a few rows each.
AGGREGATES = (
    "marts.fct_cohort_retention", "marts.fct_cohort_retention_brackets", "marts.fct_cohort_retention_summary",
    "marts.fct_churn_nodes_daily", "marts.fct_ltv_curves", "marts.fct_member_kpis_quarterly",
    "marts.fct_clv_parameters", "marts.fct_clv_holdout", "marts.fct_channel_performance_daily",
    "marts.fct_channel_performance_weekly", "marts.fct_data_quality_reconciliation",
    "marts.fct_after_sales_comparisons",
    "marts.fct_value_levels_monthly", "marts.fct_value_level_transitions",
    "marts.fct_crm_audiences_daily",
)
WHOLE = ("intermediate.int_data_window", "marts.dim_date", "marts.dim_data_window")
# Marts that need an entity the minimal export lacks, and the quarantine
# (nothing set aside): empty.
EMPTY_MARTS = (
    "marts.fct_funnel_daily", "marts.fct_experiment_results", "marts.fct_recall_outcomes",
    "marts.fct_campaign_performance", "marts.fct_member_points", "marts.fct_member_points_quarterly",
    "marts.fct_delivery_performance_daily", "marts.fct_returns_daily", "marts.fct_coupon_performance",
    "staging.stg_quarantine__rows", "marts.fct_data_quality_quarantine",
    "marts.fct_experiment_checks", "marts.fct_experiment_cuped", "marts.fct_experiment_guardrails",
)
OTHER_ENTITIES = tuple(
    f"staging.{layer}_{source}__{entity}"
    for entity, source in RAW_ENTITIES.items() if entity not in ("users", "orders")
    for layer in ("base", "stg")
)


def _copy(con: duckdb.DuckDBPyConnection, relation: str, query: str) -> None:
    schema = relation.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    con.execute(f"create table {relation} as {query}")


@pytest.fixture(scope="module")
def minimal(warehouse: pathlib.Path, tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A warehouse of a users-plus-orders export (see the module docstring)."""
    path = tmp_path_factory.mktemp("minimal_warehouse") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    try:
        source = str(warehouse).replace("'", "''")
        con.execute(f"attach '{source}' as sample (read_only)")
        con.execute(
            "create temp table customers as select user_id from sample.marts.fct_orders "
            f"where is_paid group by user_id order by user_id limit {CUSTOMERS}"
        )
        for relation in BY_USER:
            _copy(con, relation, f"select * from sample.{relation} where user_id in (select user_id from customers)")
        for relation in AGGREGATES:
            _copy(con, relation, f"select * from sample.{relation} order by all limit 30")
        for relation in WHOLE:
            _copy(con, relation, f"select * from sample.{relation}")
        for relation in EMPTY_MARTS + OTHER_ENTITIES:
            _copy(con, relation, f"select * from sample.{relation} limit 0")
        con.execute("detach sample")
    finally:
        con.close()
    return path


@pytest.fixture()
def gx_copy(tmp_path: pathlib.Path) -> pathlib.Path:
    """A copy of the committed Great Expectations project (its snapshots and
    Data Docs stay out of the checkout's gx/uncommitted/)."""
    root = tmp_path / "project" / "gx"
    root.mkdir(parents=True)
    for name in COMMITTED:
        source = GX_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    return root


def _args(warehouse: pathlib.Path, gx_root: pathlib.Path, reports: pathlib.Path, profile: str,
          suites: tuple[str, ...] = (), start: str = "", end: str = "") -> argparse.Namespace:
    return argparse.Namespace(warehouse=warehouse, gx_root=gx_root, reports=reports, profile=profile,
                              suite=list(suites), start_date=start, end_date=end)


def test_minimal_export_passes_its_invariants(minimal: pathlib.Path, gx_copy: pathlib.Path,
                                              tmp_path: pathlib.Path, capsys: pytest.CaptureFixture) -> None:
    reports = tmp_path / "reports"
    assert validate.run(_args(minimal, gx_copy, reports, "any")) == 0
    printed = capsys.readouterr().out
    summary = json.loads((reports / "validation.json").read_text(encoding="utf-8"))
    assert summary["success"] is True and summary["profile"] == "any"
    by_suite = {item["suite"]: item for item in summary["suites"]}
    # one invariant suite per table, no calibration suite
    assert set(by_suite) == {suite.model for suite in SUITES}
    assert {item["kind"] for item in summary["suites"]} == {"invariants"}
    # the empty tables are the ones made empty here, and the output says so
    empty = {f"{suite.schema}.{suite.model}" for suite in SUITES} & set(EMPTY_MARTS + OTHER_ENTITIES)
    assert {item["relation"] for item in summary["suites"] if item["empty"]} == empty
    assert {item["relation"] for item in summary["suites"] if item["rows"] == 0} == empty
    for relation in empty:
        line = next(line for line in printed.splitlines() if line.startswith(relation.split(".")[1] + " "))
        assert line.endswith("pass  (ran on 0 rows)")
    assert f"{len(empty)} tables have 0 rows, and their suites ran on 0 rows" in printed
    # every suite on an empty table evaluated its rules (none skipped)
    assert all(by_suite[relation.split(".")[1]]["expectations"] for relation in empty)
    assert "calibration checks of" in printed and "did not run" in printed


def test_minimal_export_breaks_only_calibration_checks(minimal: pathlib.Path, gx_copy: pathlib.Path,
                                                       tmp_path: pathlib.Path) -> None:
    """Under --profile sample the calibration checks run: 20 customers are far
    fewer cohort rows than the sample's ratio per user, so that check fails,
    while the invariants of the same tables (one empty) still pass."""
    reports = tmp_path / "reports"
    chosen = ("fct_cohort_retention", "stg_tracking__events")
    assert validate.run(_args(minimal, gx_copy, reports, "sample", chosen)) == 1
    summary = json.loads((reports / "validation.json").read_text(encoding="utf-8"))
    outcome = {item["suite"]: item for item in summary["suites"]}
    assert set(outcome) == {"fct_cohort_retention", "fct_cohort_retention__calibration",
                            "stg_tracking__events", "stg_tracking__events__calibration"}
    assert {name for name, item in outcome.items() if not item["success"]} == {"fct_cohort_retention__calibration"}
    failing = [(item["expectation_type"], item["observed"])
               for item in outcome["fct_cohort_retention__calibration"]["expectations"] if not item["success"]]
    assert failing == [("expect_table_row_count_to_be_between", "30")]


# --------------------------------------------------------------------------
# The data's window (no Great Expectations run: fast).
# --------------------------------------------------------------------------


def _tiny(path: pathlib.Path, with_window: bool) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema staging; create schema marts; create schema intermediate")
        con.execute("create table staging.stg_shop__orders as select * from (values "
                    "(date '1997-03-02'), (date '1998-06-30')) as t(placed_date)")
        # a registration before the first order: the span starts with it
        con.execute("create table staging.stg_shop__users as select * from (values "
                    "(date '1997-01-15'), (date '1997-03-02')) as t(registered_date)")
        con.execute("create table marts.dim_date as select cast(range as date) as date_day "
                    "from range(date '1997-01-01', date '1999-12-31' + 1, interval 1 day)")
        if with_window:
            con.execute("create table intermediate.int_data_window as select date '1997-01-01' as data_start_date, "
                        "date '1998-07-31' as data_end_date, date '1997-01-01' as calendar_start_date, "
                        "date '1999-12-31' as calendar_end_date")
    finally:
        con.close()


def test_span_is_read_from_int_data_window(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "w.duckdb"
    _tiny(path, with_window=True)
    with duckdb.connect(str(path), read_only=True) as con:
        span = wh.data_span(con)
        assert (span.start, span.end) == (dt.date(1997, 1, 1), dt.date(1998, 7, 31))
        assert (span.calendar_start, span.calendar_end) == (dt.date(1997, 1, 1), dt.date(1999, 12, 31))
        assert span.source == "intermediate.int_data_window"
        overridden = wh.data_span(con, "1997-02-01", "1998-05-31")
        assert (overridden.start, overridden.end) == (dt.date(1997, 2, 1), dt.date(1998, 5, 31))
        values = wh.parameters(con, [], span).values
    assert values == {"span_start_date": "1997-01-01", "span_end_date": "1998-07-31", "span_end_year": 1998,
                      "calendar_start_date": "1997-01-01", "calendar_end_date": "1999-12-31"}


def test_span_falls_back_to_orders_and_users(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "w.duckdb"
    _tiny(path, with_window=False)
    with duckdb.connect(str(path), read_only=True) as con:
        span = wh.data_span(con)
        assert (span.start, span.end) == (dt.date(1997, 1, 15), dt.date(1998, 6, 30))
        # the calendar: the days dim_date holds
        assert (span.calendar_start, span.calendar_end) == (dt.date(1997, 1, 1), dt.date(1999, 12, 31))
        assert wh.data_span(con, end="1998-12-31").end == dt.date(1998, 12, 31)
        with pytest.raises(wh.SpanError, match="YYYY-MM-DD"):
            wh.data_span(con, start="15/01/1997")


def test_a_window_without_dates_is_a_clear_refusal(tmp_path: pathlib.Path, gx_copy: pathlib.Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_data_window (data_start_date date, data_end_date date, "
                "calendar_start_date date, calendar_end_date date)")
    con.close()
    assert validate.run(_args(path, gx_copy, tmp_path / "reports", "any")) == 2
    assert "--start-date and --end-date" in capsys.readouterr().err
