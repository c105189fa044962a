"""Independent oracle for the channel ROI marts (issue 5).

Recomputes, in plain Python from the staging tables of the built warehouse,
the weekly spend, credited GMV and ROI of every channel under the last-touch
and linear attribution models, and requires fct_channel_performance_weekly
to match to the cent (ROI to its 4 decimals). Nothing here reuses the SQL
under test: touches, lookback, attribution, rounding, time zone and ISO
weeks are all rebuilt from the rules written in the model YAML.
"""

from __future__ import annotations

import bisect
import datetime as dt
import pathlib
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
SHANGHAI_OFFSET = dt.timedelta(hours=8)
CENT = Decimal("0.01")
ROI_STEP = Decimal("0.0001")


def project_vars() -> dict:
    """The dbt vars of dbt_project.yml (lookback, CRM channel map)."""
    with open(REPO / "dbt_project.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["vars"]


def iso_monday(day: dt.date) -> dt.date:
    """Monday of the ISO week of ``day``."""
    return day - dt.timedelta(days=day.weekday())


def shanghai_date(moment: dt.datetime) -> dt.date:
    """Asia/Shanghai calendar day of a naive UTC timestamp (UTC+8, no DST)."""
    return (moment + SHANGHAI_OFFSET).date()


def load_touches(con, crm_channels: dict[str, str]) -> dict[int, list[tuple]]:
    """Non-direct touches per user as sorted lists of (touched_at, touch_type, touch_id, channel)."""
    sessions: dict[tuple[int, int], tuple] = {}
    rows = con.execute(
        "select user_id, session_id, event_at, event_id, channel from staging.stg_tracking__events"
    ).fetchall()
    for user_id, session_id, event_at, event_id, channel in rows:
        key = (user_id, session_id)
        candidate = (event_at, event_id, channel)
        if key not in sessions or candidate[:2] < sessions[key][:2]:
            sessions[key] = candidate

    touches: dict[int, list[tuple]] = defaultdict(list)
    for (user_id, session_id), (event_at, _event_id, channel) in sessions.items():
        if channel != "direct":
            touches[user_id].append((event_at, "session", f"session-{session_id}", channel))

    clicks = con.execute(
        "select user_id, message_id, clicked_at, message_channel, is_marketing, is_clicked "
        "from staging.stg_crm__messages"
    ).fetchall()
    for user_id, message_id, clicked_at, message_channel, is_marketing, is_clicked in clicks:
        if is_marketing and is_clicked:
            channel = crm_channels.get(message_channel, "other")
            touches[user_id].append((clicked_at, "crm_click", f"crm_click-{message_id}", channel))

    for path in touches.values():
        path.sort()
    return touches


def credit_order(gmv: Decimal, path: list[tuple]) -> dict[str, dict[str, Decimal]]:
    """Credited GMV per channel of one order under last touch and linear."""
    if not path:
        return {"last_touch": {"direct": gmv}, "linear": {"direct": gmv}}
    cents = int(gmv * 100)
    count = len(path)
    linear: dict[str, Decimal] = defaultdict(Decimal)
    allocated = 0
    for position, touch in enumerate(path):
        if position < count - 1:
            share_cents = (2 * cents + count) // (2 * count)  # cents / n, half-up
            allocated += share_cents
        else:
            share_cents = cents - allocated
        linear[touch[3]] += Decimal(share_cents) / 100
    return {"last_touch": {path[-1][3]: gmv}, "linear": dict(linear)}


def oracle(con) -> dict[tuple[dt.date, str], dict[str, Decimal]]:
    """Weekly spend and credited GMV per (ISO Monday, channel)."""
    config = project_vars()
    lookback = dt.timedelta(days=int(config["marketing_lookback_days"]))
    touches = load_touches(con, config["marketing_crm_message_channels"])
    times = {user_id: [touch[0] for touch in path] for user_id, path in touches.items()}

    weekly: dict[tuple[dt.date, str], dict[str, Decimal]] = defaultdict(
        lambda: {"spend": Decimal("0.00"), "last_touch": Decimal("0.00"), "linear": Decimal("0.00")}
    )
    orders = con.execute(
        "select user_id, placed_at, paid_at, order_amount_cny from staging.stg_shop__orders where is_paid"
    ).fetchall()
    for user_id, placed_at, paid_at, amount in orders:
        user_touches = touches.get(user_id, [])
        user_times = times.get(user_id, [])
        start = bisect.bisect_left(user_times, placed_at - lookback)
        end = bisect.bisect_right(user_times, placed_at)
        week = iso_monday(shanghai_date(paid_at))
        for model, credits in credit_order(amount, user_touches[start:end]).items():
            for channel, credited in credits.items():
                weekly[(week, channel)][model] += credited

    for spend_date, channel, spend in con.execute(
        "select spend_date, channel, spend_cny from staging.stg_marketing__channel_spend"
    ).fetchall():
        weekly[(iso_monday(spend_date), channel)]["spend"] += spend
    return weekly


def roi(credited: Decimal, spend: Decimal) -> Decimal | None:
    """Credited GMV / spend, half-up to 4 decimals; None without spend."""
    if spend == 0:
        return None
    return (credited / spend).quantize(ROI_STEP, rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def weekly_oracle(warehouse: pathlib.Path) -> dict[tuple[dt.date, str], dict[str, Decimal]]:
    """The oracle's weekly figures, computed once per module."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return oracle(con)
    finally:
        con.close()


def test_weekly_roi_matches_plain_python_oracle(connect, weekly_oracle) -> None:
    expected = weekly_oracle
    mart = {
        (row[0], row[1]): row[2:]
        for row in connect.execute(
            "select iso_week_start_date, channel, spend_cny, credited_gmv_last_touch_cny, "
            "credited_gmv_linear_cny, roi_last_touch, roi_linear "
            "from marts.fct_channel_performance_weekly"
        ).fetchall()
    }
    assert mart, "fct_channel_performance_weekly is empty"

    mismatches = []
    for key in sorted(set(expected) | set(mart)):
        want = expected.get(key, {"spend": Decimal(0), "last_touch": Decimal(0), "linear": Decimal(0)})
        if key not in mart:
            mismatches.append((key, "missing from the mart", want))
            continue
        spend, last_touch, linear, roi_last_touch, roi_linear = mart[key]
        got = (spend, last_touch, linear, roi_last_touch, roi_linear)
        wanted = (
            want["spend"],
            want["last_touch"],
            want["linear"],
            roi(want["last_touch"], want["spend"]),
            roi(want["linear"], want["spend"]),
        )
        if got != wanted:
            mismatches.append((key, got, wanted))
    assert not mismatches, f"{len(mismatches)} (week, channel) rows differ, first ones: {mismatches[:5]}"


def test_oracle_sees_spend_and_credit(weekly_oracle) -> None:
    """Guard against a vacuous pass: the sample has spend and ROI to compare."""
    expected = weekly_oracle
    with_roi = [key for key, value in expected.items() if value["spend"] > 0 and value["last_touch"] > 0]
    assert len(with_roi) > 10
    assert sum(value["last_touch"] for value in expected.values()) == sum(
        value["linear"] for value in expected.values()
    )


@pytest.mark.parametrize(
    ("gmv", "channels", "expected"),
    [
        ("99.99", ["weibo", "crm"], {"weibo": Decimal("50.00"), "crm": Decimal("49.99")}),
        ("100.00", ["a", "b", "c"], {"a": Decimal("33.33"), "b": Decimal("33.33"), "c": Decimal("33.34")}),
        ("10.00", [], {"direct": Decimal("10.00")}),
    ],
)
def test_oracle_linear_rounding(gmv: str, channels: list[str], expected: dict[str, Decimal]) -> None:
    """The oracle's own rounding rule, checked by hand."""
    path = [(dt.datetime(2025, 1, 1, hour), "session", f"session-{hour}", channel) for hour, channel in enumerate(channels)]
    assert credit_order(Decimal(gmv), path)["linear"] == expected


def docs_budget_query() -> str:
    """The README query of docs/marketing.md, between its budget-query markers."""
    text = (REPO / "docs" / "marketing.md").read_text(encoding="utf-8")
    block = text.split("<!-- budget-query:start -->", 1)[1].split("<!-- budget-query:end -->", 1)[0]
    return block.split("```sql", 1)[1].split("```", 1)[0].strip().rstrip(";")


def test_budget_query_in_docs(connect, weekly_oracle) -> None:
    """The documented query returns exactly the channels whose plain-Python
    last-touch ROI was below 4 in the latest complete week and the week before."""
    config = project_vars()
    assert config["marketing_default_attribution_model"] == "last_touch"
    cut_below = Decimal(str(config["marketing_budget_cut_roi_below"]))
    first_day, last_day = connect.execute(
        "select min(date_day), max(date_day) from marts.fct_channel_performance_daily"
    ).fetchone()
    this_week = iso_monday(last_day)
    if this_week + dt.timedelta(days=6) > last_day:
        this_week -= dt.timedelta(days=7)
    previous_week = this_week - dt.timedelta(days=7)
    assert previous_week >= first_day

    def week_roi(week: dt.date, channel: str) -> Decimal | None:
        figures = weekly_oracle.get((week, channel))
        return roi(figures["last_touch"], figures["spend"]) if figures else None

    channels = {channel for _week, channel in weekly_oracle}
    expected = sorted(
        channel
        for channel in channels
        if all(
            (value := week_roi(week, channel)) is not None and value < cut_below
            for week in (this_week, previous_week)
        )
    )
    rows = connect.execute(docs_budget_query()).fetchall()
    assert rows, "the documented budget query returns no channel on the sample"
    assert {row[0] for row in rows} == {this_week}
    assert sorted(row[1] for row in rows) == expected
