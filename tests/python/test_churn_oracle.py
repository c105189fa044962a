"""Independent oracle for the churn-node daily mart (issue 4).

Recomputes, in plain Python from the staging data of the built warehouse,
every daily row of nodes 1 (registered_no_return, every window) and 3
(ordered_not_paid) of ``marts.fct_churn_nodes_daily`` for the ``all``
segment and the ``device`` split, and requires exact equality of every
count and rate. Nothing here reuses the SQL under test: the episodes,
deadlines, losses and stocks are rebuilt from the definitions written in
models/marts/churn/_churn__models.yml.

Definitions used (see the YAML for the words):

- node 1: every user enters at registered_at; recovers at the first
  tracking event strictly after it; the users with no ``login`` event
  after registering are "never logged in".
- node 3: every order enters at placed_at; recovers at the user's first
  payment (paid_at of any paid order of the user) at or after placed_at;
  the order itself is "unpaid at the deadline" when its own paid_at is
  missing or later than the deadline (and the deadline has passed).
- deadline = entered + window days; passed when before the end of the
  data (midnight Asia/Shanghai after data_end_date, i.e. 16:00 UTC of
  data_end_date); lost = passed and not recovered at or before it.
- Asia/Shanghai day = (UTC timestamp + 8 hours).date().
"""

from __future__ import annotations

import bisect
import collections
import datetime as dt
import pathlib
from dataclasses import dataclass

import pytest
import yaml

from conftest import data_window

REPO = pathlib.Path(__file__).resolve().parents[2]
SHANGHAI_OFFSET = dt.timedelta(hours=8)


def project_vars() -> dict:
    """The vars block of dbt_project.yml (the windows and data bounds)."""
    with open(REPO / "dbt_project.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["vars"]


def shanghai_day(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else (moment + SHANGHAI_OFFSET).date()


@dataclass(frozen=True)
class Episode:
    user_id: int
    entered_at: dt.datetime
    recovered_at: dt.datetime | None
    has_login_after_entry: bool | None
    order_paid_at: dt.datetime | None = None


def node_1_entries(users, events) -> list[Episode]:
    """One entry per user: first event strictly after registration."""
    events_by_user: dict[int, list[tuple[dt.datetime, str]]] = collections.defaultdict(list)
    for user_id, event_type, event_at in events:
        events_by_user[user_id].append((event_at, event_type))
    entries = []
    for user_id, registered_at in users:
        later = [(at, kind) for at, kind in events_by_user.get(user_id, []) if at > registered_at]
        first = min((at for at, _ in later), default=None)
        has_login = any(kind == "login" for _, kind in later)
        entries.append(Episode(user_id, registered_at, first, has_login))
    return entries


def node_3_entries(orders) -> list[Episode]:
    """One entry per order: the user's first payment at or after placement."""
    payments_by_user: dict[int, list[dt.datetime]] = collections.defaultdict(list)
    for _order_id, user_id, _placed_at, paid_at, is_paid in orders:
        if is_paid:
            payments_by_user[user_id].append(paid_at)
    for times in payments_by_user.values():
        times.sort()
    entries = []
    for _order_id, user_id, placed_at, _paid_at, _is_paid in orders:
        times = payments_by_user.get(user_id, [])
        index = bisect.bisect_left(times, placed_at)
        recovered = times[index] if index < len(times) else None
        entries.append(Episode(user_id, placed_at, recovered, None, _paid_at))
    return entries


def daily_rows(entries: list[Episode], window_days: int, devices: dict[int, str],
               first_day: dt.date, last_day: dt.date, data_end_at: dt.datetime,
               is_node_1: bool) -> dict[tuple[dt.date, str, str], dict]:
    """Every (day, segment_dimension, segment_value) row of one node_code."""
    days = [first_day + dt.timedelta(days=offset) for offset in range((last_day - first_day).days + 1)]
    segment_keys = {("all", "all")} | {("device", devices.get(e.user_id) or "unknown") for e in entries}
    counters = {
        (day, dimension, value): collections.Counter()
        for day in days for dimension, value in segment_keys
    }
    for episode in entries:
        deadline_at = episode.entered_at + dt.timedelta(days=window_days)
        passed = deadline_at < data_end_at
        before = episode.recovered_at is not None and episode.recovered_at <= deadline_at
        lost = passed and not before
        entered_day = shanghai_day(episode.entered_at)
        deadline_day = shanghai_day(deadline_at)
        recovered_day = shanghai_day(episode.recovered_at)
        for segment in (("all", "all"), ("device", devices.get(episode.user_id) or "unknown")):
            def bump(day, column, amount=1):
                if first_day <= day <= last_day:
                    counters[(day, *segment)][column] += amount
            bump(entered_day, "entered_count")
            bump(entered_day, "cohort_deadline_passed_count", int(passed))
            bump(entered_day, "cohort_lost_count", int(lost))
            if is_node_1:
                bump(entered_day, "cohort_never_logged_in_count", int(not episode.has_login_after_entry))
            else:
                order_unpaid = passed and (episode.order_paid_at is None or episode.order_paid_at > deadline_at)
                bump(entered_day, "cohort_orders_unpaid_count", int(order_unpaid))
            if lost:
                bump(deadline_day, "lost_count")
            if recovered_day is not None:
                bump(recovered_day, "recovered_count")
                bump(recovered_day, "recovered_after_loss_count", int(lost))
            # stocks: at the node at the end of every day from the entry day
            # to the day before the recovery day; lost stock from the
            # deadline day on
            day = max(entered_day, first_day)
            stop = last_day if recovered_day is None else min(last_day, recovered_day - dt.timedelta(days=1))
            while day <= stop:
                counters[(day, *segment)]["at_node_count"] += 1
                if lost and deadline_day <= day:
                    counters[(day, *segment)]["lost_stock_count"] += 1
                day += dt.timedelta(days=1)
    rows = {}
    for key, counts in counters.items():
        entered = counts["entered_count"]
        complete = entered > 0 and counts["cohort_deadline_passed_count"] == entered
        at_node = counts["at_node_count"]
        row = {
            column: counts[column]
            for column in (
                "entered_count", "lost_count", "recovered_count", "recovered_after_loss_count",
                "at_node_count", "lost_stock_count", "cohort_deadline_passed_count", "cohort_lost_count",
            )
        }
        row["cohort_never_logged_in_count"] = counts["cohort_never_logged_in_count"] if is_node_1 else None
        row["cohort_orders_unpaid_count"] = None if is_node_1 else counts["cohort_orders_unpaid_count"]
        row["orders_unpaid_rate"] = (
            counts["cohort_orders_unpaid_count"] / entered if complete and not is_node_1 else None
        )
        row["is_cohort_complete"] = complete
        row["loss_rate"] = counts["cohort_lost_count"] / entered if complete else None
        row["never_logged_in_rate"] = (
            counts["cohort_never_logged_in_count"] / entered if is_node_1 and entered > 0 else None
        )
        row["lost_stock_share"] = counts["lost_stock_count"] / at_node if at_node > 0 else None
        rows[key] = row
    return rows


COLUMNS = [
    "entered_count", "lost_count", "recovered_count", "recovered_after_loss_count", "at_node_count",
    "lost_stock_count", "cohort_deadline_passed_count", "cohort_lost_count", "cohort_never_logged_in_count",
    "cohort_orders_unpaid_count", "is_cohort_complete", "loss_rate", "never_logged_in_rate",
    "orders_unpaid_rate", "lost_stock_share",
]


@pytest.fixture(scope="module")
def window(warehouse):
    """The data's first and last Shanghai day, recomputed from staging."""
    return data_window(warehouse)


@pytest.fixture(scope="module")
def staging(warehouse):
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        users = con.execute("select user_id, registered_at from staging.stg_shop__users").fetchall()
        events = con.execute("select user_id, event_type, event_at from staging.stg_tracking__events").fetchall()
        orders = con.execute(
            "select order_id, user_id, placed_at, paid_at, is_paid from staging.stg_shop__orders"
        ).fetchall()
        devices = dict(con.execute("select user_id, device from marts.dim_users").fetchall())
        mart = con.execute(
            f"""
            select node_code, date_day, segment_dimension, segment_value, {', '.join(COLUMNS)}
            from marts.fct_churn_nodes_daily
            where node in ('registered_no_return', 'ordered_not_paid')
              and segment_dimension in ('all', 'device')
            """
        ).fetchall()
    finally:
        con.close()
    return users, events, orders, devices, mart


def expected_rows(staging, window) -> dict[tuple, dict]:
    users, events, orders, devices, _mart = staging
    settings = project_vars()
    first_day, last_day = window
    data_end_at = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time()) - SHANGHAI_OFFSET
    expected = {}
    node_1 = node_1_entries(users, events)
    for window in settings["churn_registered_no_return_window_days"]:
        rows = daily_rows(node_1, int(window), devices, first_day, last_day, data_end_at, True)
        expected.update({(f"registered_no_return_{int(window)}d", *key): row for key, row in rows.items()})
    node_3 = node_3_entries(orders)
    for window in settings["churn_ordered_not_paid_window_days"]:
        rows = daily_rows(node_3, int(window), devices, first_day, last_day, data_end_at, False)
        expected.update({(f"ordered_not_paid_{int(window)}d", *key): row for key, row in rows.items()})
    return expected


def test_nodes_1_and_3_daily_rows_equal_plain_python(staging, window):
    expected = expected_rows(staging, window)
    mart = {
        (node_code, date_day, dimension, value): dict(zip(COLUMNS, values))
        for node_code, date_day, dimension, value, *values in staging[4]
    }
    assert expected, "the oracle found no rows: is the warehouse empty?"
    assert set(mart) == set(expected), (
        f"row keys differ: {len(set(mart) - set(expected))} only in the mart, "
        f"{len(set(expected) - set(mart))} only in the oracle"
    )
    mismatches = [
        (key, column, mart[key][column], expected[key][column])
        for key in sorted(expected)
        for column in COLUMNS
        if mart[key][column] != expected[key][column]
    ]
    assert not mismatches, f"{len(mismatches)} cells differ, first ones: {mismatches[:10]}"


def test_oracle_sees_every_kind_of_episode(staging, window):
    """The comparison is only meaningful if the sample exercises every case."""
    expected = expected_rows(staging, window)
    totals = collections.Counter()
    for (node_code, _day, dimension, _value), row in expected.items():
        if dimension == "all":
            for column in ("entered_count", "lost_count", "recovered_after_loss_count"):
                totals[(node_code, column)] += row[column]
            totals[(node_code, "recovered_before")] += row["recovered_count"] - row["recovered_after_loss_count"]
    for node_code in ("registered_no_return_1d", "ordered_not_paid_3d"):
        for column in ("entered_count", "lost_count", "recovered_after_loss_count", "recovered_before"):
            assert totals[(node_code, column)] > 0, (node_code, column)


def readme_query() -> str:
    """The SQL block that follows the marker in docs/churn.md."""
    text = (REPO / "docs" / "churn.md").read_text(encoding="utf-8")
    after = text.split("<!-- churn-readme-query -->", 1)[1]
    return after.split("```sql", 1)[1].split("```", 1)[0]


def test_readme_recall_query(warehouse, staging, window):
    """The README query runs and its counts equal a plain-Python recount.

    Population: users with no event within 24 hours of registering whose
    24-hour deadline (Asia/Shanghai day) fell in the month before the data's
    last day; recalled = any recall message (stg_crm__messages.recall_step)
    sent after registering; came back = an event within 14 days of
    registering.
    """
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        result = con.execute(readme_query()).fetchall()
        recall_times = con.execute(
            "select user_id, sent_at from staging.stg_crm__messages where recall_step is not null"
        ).fetchall()
    finally:
        con.close()
    assert len(result) == 1
    month, recalled, recalled_back, holdout, holdout_back, _r_rate, _h_rate, brought_back = result[0]

    users, events, _orders, _devices, _mart = staging
    _first_day, last_day = window
    data_end_at = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time()) - SHANGHAI_OFFSET
    month_start = (last_day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    registered = dict(users)
    recalled_users = {user_id for user_id, sent_at in recall_times if sent_at >= registered.get(user_id, sent_at)}
    counts = collections.Counter()
    for episode in node_1_entries(users, events):
        deadline_at = episode.entered_at + dt.timedelta(days=1)
        lost = deadline_at < data_end_at and (episode.recovered_at is None or episode.recovered_at > deadline_at)
        if not lost or shanghai_day(deadline_at).replace(day=1) != month_start:
            continue
        group = "recalled" if episode.user_id in recalled_users else "holdout"
        back = episode.recovered_at is not None and episode.recovered_at <= episode.entered_at + dt.timedelta(days=14)
        counts[group] += 1
        counts[group + "_back"] += int(back)

    assert month == month_start
    assert (recalled, recalled_back, holdout, holdout_back) == (
        counts["recalled"], counts["recalled_back"], counts["holdout"], counts["holdout_back"]
    )
    assert counts["recalled"] > 0 and counts["holdout"] > 0
    expected = counts["recalled_back"] - counts["recalled"] * counts["holdout_back"] / counts["holdout"]
    assert brought_back == pytest.approx(round(expected, 1), abs=1e-9)
