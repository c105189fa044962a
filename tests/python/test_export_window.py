"""An export cut mid-month: the data's window comes from the data (issue 10).

The committed sample's raw files are cut at the end of one Asia/Shanghai
day in the middle of a month (the 15th of the month before the sample's
last month, worked out from the raw files), as an export taken that
evening would be, and the marts that judge completeness, deadlines and
as-of days are built from the cut files (``--vars '{raw_dir: ...}'``, no
date var). Then, with every expected value worked out here from the raw
files, the cut day and the documented definitions (docs/staging.md, "The
data's window"), never from the SQL under test:

- the window ends on the cut day and starts on the raw files' first day,
  and dim_date spans whole years that cover it and every deadline;
- a retention cell (triangle, D1/D7/D30 summary, day brackets) is complete
  exactly when its period has ended by the cut day, and an incomplete
  cell's rate is null, never 0;
- no churn episode is judged (deadline passed, lost) with a deadline after
  the end of the cut day;
- RFM, CLV and the member quarters are as of the cut day, and the CLV
  calibration ends clv_holdout_days before it.

How the cut is made: a row is dropped when any timestamp that records
something happening (registered, placed, paid, cancelled, shipped,
delivered, requested, sent, clicked, issued, redeemed, assigned, changed,
occurred; spend_date, a campaign's start_date) falls on a later
Asia/Shanghai day; the lines, parcels and returns of a dropped order go
with it. Timestamps that lie in the future by design (a coupon's expiry,
a promised delivery, a campaign's end) and loaded_at do not cut.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import pathlib
from typing import Any

import duckdb
import pytest
import yaml

from conftest import REPO, run_dbt

pytestmark = pytest.mark.slow

SEEDS = REPO / "seeds" / "raw"
SHANGHAI_OFFSET = dt.timedelta(hours=8)

# Columns whose Asia/Shanghai day, when after the cut, drops the row.
EVENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("registered_at",),
    "events": ("event_at",),
    "orders": ("placed_at", "paid_at", "cancelled_at"),
    "order_items": (),
    "shipments": ("shipped_at", "delivered_at"),
    "returns": ("requested_at",),
    "coupons": ("issued_at", "redeemed_at"),
    "experiments": ("assigned_at",),
    "member_tiers": ("changed_at",),
    "messages": ("sent_at", "clicked_at"),
    "points_ledger": ("occurred_at",),
    "channel_spend": ("spend_date",),
    "campaigns": ("start_date",),
}
ORDER_CHILDREN = ("order_items", "shipments", "returns")
# The entities that define the data's window, and their timestamps.
WINDOW_COLUMNS = {"users": ("registered_at",), "orders": ("placed_at", "paid_at"), "events": ("event_at",)}

MODELS = [
    "int_data_window", "dim_date", "fct_cohort_retention", "fct_cohort_retention_summary",
    "fct_cohort_retention_brackets", "fct_churn_node_episodes", "fct_customer_rfm", "fct_customer_clv",
    "fct_clv_holdout", "fct_member_kpis_quarterly",
]


def shanghai_day(text: str) -> dt.date | None:
    """Asia/Shanghai day of a raw value: a date as written, a naive timestamp read as UTC."""
    value = text.strip()
    if not value:
        return None
    if len(value) == 10:
        return dt.date.fromisoformat(value)
    return (dt.datetime.fromisoformat(value.replace("T", " ")) + SHANGHAI_OFFSET).date()


def read_raw(path: pathlib.Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def activity_days(raw: pathlib.Path) -> list[dt.date]:
    """Every Asia/Shanghai day with a registration, an order placed or paid, or an event."""
    days = []
    for entity, columns in WINDOW_COLUMNS.items():
        _fields, rows = read_raw(raw / f"{entity}.csv")
        days.extend(day for row in rows for column in columns if (day := shanghai_day(row[column])))
    return days


def mid_month_cut_day(raw: pathlib.Path) -> dt.date:
    """The 15th of the month before the month of the sample's last day."""
    last = max(activity_days(raw))
    previous_month_end = last.replace(day=1) - dt.timedelta(days=1)
    return previous_month_end.replace(day=15)


def cut_export(source: pathlib.Path, target: pathlib.Path, cut_day: dt.date) -> dict[str, int]:
    """Write the raw files with every row after cut_day dropped; rows dropped per entity."""
    target.mkdir(parents=True, exist_ok=True)
    kept_orders: set[str] = set()
    dropped: dict[str, int] = {}
    for entity, columns in EVENT_COLUMNS.items():
        fields, rows = read_raw(source / f"{entity}.csv")

        def keep(row: dict[str, str], columns: tuple[str, ...] = columns, entity: str = entity) -> bool:
            if entity in ORDER_CHILDREN and row["order_id"] not in kept_orders:
                return False
            return all((day := shanghai_day(row[column])) is None or day <= cut_day for column in columns)

        kept = [row for row in rows if keep(row)]
        if entity == "orders":
            kept_orders = {row["order_id"] for row in kept}
        dropped[entity] = len(rows) - len(kept)
        with open(target / f"{entity}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(kept)
    return dropped


def project_vars() -> dict[str, Any]:
    return yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def horizon_end(data_end: dt.date, variables: dict[str, Any]) -> dt.date:
    """data_end + the longest horizon, as docs/staging.md defines it, from the vars."""
    periods = variables["retention_max_periods"]
    churn = [int(days) for name, windows in variables.items()
             if name.startswith("churn_") and name.endswith("_window_days") for days in windows]
    days = max(churn + [
        int(periods["day"]), 7 * int(periods["week"]) + 6, int(variables["experiment_window_days"]),
        int(variables["marketing_lookback_days"]), int(variables["marketing_repurchase_window_days"]),
    ])
    return max(data_end + dt.timedelta(days=days), add_months(data_end, int(periods["month"]) + 1))


@pytest.fixture(scope="module")
def cut_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample cut mid-month, built into its own warehouse."""
    work = tmp_path_factory.mktemp("export_window")
    cut_day = mid_month_cut_day(SEEDS)
    raw = work / "raw"
    dropped = cut_export(SEEDS, raw, cut_day)
    warehouse, target = work / "warehouse.duckdb", work / "target"
    # models and the reference seeds only: the data tests of these models
    # are the full build's; here the window's properties are asserted below
    run_dbt(
        ["build", "--select", *(f"+{model}" for model in MODELS), "--resource-type", "model",
         "--resource-type", "seed", "--vars", json.dumps({"raw_dir": str(raw)})],
        warehouse, target, extra_env={"ECOMOPS_PII_SALT": "test-salt-export-window"},
    )
    return {"cut_day": cut_day, "raw": raw, "dropped": dropped, "warehouse": warehouse}


@pytest.fixture()
def con(cut_build: dict[str, Any]):
    connection = duckdb.connect(str(cut_build["warehouse"]), read_only=True)
    try:
        yield connection
    finally:
        connection.close()


def test_the_cut_is_mid_month_and_drops_rows(cut_build: dict[str, Any]) -> None:
    cut_day = cut_build["cut_day"]
    assert cut_day.day == 15
    assert max(activity_days(cut_build["raw"])) == cut_day
    assert cut_build["dropped"]["users"] > 0 and cut_build["dropped"]["orders"] > 0
    assert cut_build["dropped"]["events"] > 0


def test_window_is_the_data_and_calendar_covers_it(cut_build: dict[str, Any], con) -> None:
    cut_day = cut_build["cut_day"]
    first_day = min(activity_days(cut_build["raw"]))
    window = con.execute(
        "select data_start_date, data_end_date, calendar_start_date, calendar_end_date "
        "from intermediate.int_data_window"
    ).fetchall()
    calendar_end = dt.date(horizon_end(cut_day, project_vars()).year, 12, 31)
    assert window == [(first_day, cut_day, dt.date(first_day.year, 1, 1), calendar_end)]

    first, last, days, distinct = con.execute(
        "select min(date_day), max(date_day), count(*), count(distinct date_day) from marts.dim_date"
    ).fetchone()
    assert (first, last) == (dt.date(first_day.year, 1, 1), calendar_end)
    assert days == distinct == (last - first).days + 1
    # every deadline and cohort period the marts hold is a day of the calendar
    latest_deadline = con.execute("select max(deadline_date) from marts.fct_churn_node_episodes").fetchone()[0]
    latest_period = con.execute("select max(period_end_date) from marts.fct_cohort_retention").fetchone()[0]
    assert latest_deadline <= last and latest_period <= last


def test_cohort_triangle_cells_complete_only_when_seen(cut_build: dict[str, Any], con) -> None:
    cut_day = cut_build["cut_day"]
    rows = con.execute(
        "select period_end_date, is_complete, retention_rate, retention_rate_unbounded "
        "from marts.fct_cohort_retention"
    ).fetchall()
    young = [row for row in rows if row[0] > cut_day]
    assert young and len(young) < len(rows)
    for period_end, is_complete, rate, rate_unbounded in rows:
        assert is_complete == (period_end <= cut_day), period_end
        if period_end > cut_day:
            assert rate is None and rate_unbounded is None, period_end
        else:
            assert rate is not None and rate_unbounded is not None, period_end


def test_d1_d7_d30_null_and_incomplete_for_young_cohorts(cut_build: dict[str, Any], con) -> None:
    cut_day = cut_build["cut_day"]
    rows = con.execute(
        """
        select cohort_event, activity_type, cohort_grain, cohort_start_date, cohort_end_date,
               segment_dimension, segment_value,
               is_d1_complete, d1_retention_rate, is_d7_complete, d7_retention_rate,
               is_d30_complete, d30_retention_rate
        from marts.fct_cohort_retention_summary
        """
    ).fetchall()
    young = 0
    for row in rows:
        cohort_end = row[4]
        for day_number, is_complete, rate in ((1, row[7], row[8]), (7, row[9], row[10]), (30, row[11], row[12])):
            seen = cohort_end + dt.timedelta(days=day_number) <= cut_day
            assert is_complete == seen, (row[:7], day_number)
            assert (rate is None) == (not seen), (row[:7], day_number, rate)
            young += not seen
    assert young > 0
    # the cell: the cut month's monthly registration cohort has no D30 yet
    cut_month = [row for row in rows if row[:4] == ("registration", "any_event", "month", cut_day.replace(day=1))
                 and row[5] == "all"]
    assert len(cut_month) == 1
    assert cut_month[0][11] is False and cut_month[0][12] is None


def test_day_brackets_null_and_incomplete_for_young_cohorts(cut_build: dict[str, Any], con) -> None:
    cut_day = cut_build["cut_day"]
    rows = con.execute(
        "select cohort_end_date, bracket_end_day, is_complete, retention_rate "
        "from marts.fct_cohort_retention_brackets"
    ).fetchall()
    assert any(not row[2] for row in rows) and any(row[2] for row in rows)
    for cohort_end, bracket_end_day, is_complete, rate in rows:
        seen = cohort_end + dt.timedelta(days=bracket_end_day) <= cut_day
        assert is_complete == seen and (rate is None) == (not seen), (cohort_end, bracket_end_day)


def test_no_churn_episode_judged_after_the_cut(cut_build: dict[str, Any], con) -> None:
    cut_day = cut_build["cut_day"]
    # the end of the data: midnight Asia/Shanghai after the cut day, in UTC
    data_end_at = dt.datetime.combine(cut_day + dt.timedelta(days=1), dt.time()) - SHANGHAI_OFFSET
    rows = con.execute(
        "select episode_id, entered_at, deadline_at, deadline_date, is_deadline_passed, is_lost, recovered_at "
        "from marts.fct_churn_node_episodes"
    ).fetchall()
    open_after_cut = 0
    for episode_id, entered_at, deadline_at, deadline_date, passed, lost, recovered_at in rows:
        assert entered_at < data_end_at, episode_id
        assert passed == (deadline_at < data_end_at), episode_id
        if deadline_date > cut_day:
            assert not passed and not lost, episode_id
            open_after_cut += 1
        assert recovered_at is None or recovered_at < data_end_at, episode_id
    assert open_after_cut > 0


def test_rfm_clv_and_quarters_as_of_the_cut(cut_build: dict[str, Any], con) -> None:
    cut_day = cut_build["cut_day"]
    assert con.execute("select distinct as_of_date from marts.fct_customer_rfm").fetchall() == [(cut_day,)]
    assert con.execute("select distinct as_of_date from marts.fct_customer_clv").fetchall() == [(cut_day,)]
    holdout_days = int(project_vars()["clv_holdout_days"])
    assert con.execute("select distinct calibration_end_date from marts.fct_clv_holdout").fetchall() == [
        (cut_day - dt.timedelta(days=holdout_days),)
    ]
    quarters = con.execute(
        "select distinct quarter_start_date, is_complete_quarter from marts.fct_member_kpis_quarterly"
    ).fetchall()
    for quarter_start, is_complete in quarters:
        assert is_complete == (add_months(quarter_start, 3) - dt.timedelta(days=1) <= cut_day), quarter_start
    assert (dt.date(cut_day.year, 3 * ((cut_day.month - 1) // 3) + 1, 1), False) in quarters
