"""Independent oracle for the value-level marts (用户价值分层, issue 14 item 3).

Recomputes, in plain Python from the raw CSV files in seeds/raw, every
user's value level per Asia/Shanghai month and, per month, the S share of
active users, the S share of GMV, the AOV of S against the rest and the
users, paying users, paid orders and GMV of every level (and the S share of
the month's buyers), and the month-over-month moves
between levels; requires fct_user_value_levels_monthly,
fct_value_levels_monthly and fct_value_level_transitions to match exactly
(counts, GMV to the cent, AOV half-up to the cent, shares to double
precision). Timestamps are parsed here and moved to Asia/Shanghai (+8 h);
"active", "paid", "interaction" and the level rules (S: >= 3 paid orders and
>= 5 interactions, first matching level wins) are rebuilt here from the
rules written in the model YAML, with the thresholds read from
dbt_project.yml. Only *which* raw rows are clean (the staging quarantine and
deduplication, tested by their own suite) is read from the warehouse: the ids
of the clean orders and events.

Before the sample carries interaction events (share, comment, like,
check_in), no user-month can reach S or C: the test then still checks the B,
A (by spend) and D counts and that S and C are empty in the marts too.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
import yaml

from conftest import REPO, data_window

RAW = REPO / "seeds" / "raw"
SHANGHAI_OFFSET = dt.timedelta(hours=8)
LEVELS = ("S", "A", "B", "C", "D")
INACTIVE = "inactive"


def project_vars() -> dict:
    return yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def parse(value: str) -> dt.datetime | None:
    """A raw timestamp as naive UTC ('YYYY-MM-DD HH:MM:SS', or with 'Z' / an offset), None when empty."""
    value = (value or "").strip()
    if not value:
        return None
    stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return stamp


def shanghai_day(stamp: dt.datetime) -> dt.date:
    return (stamp + SHANGHAI_OFFSET).date()


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_month(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def aov(gmv: Decimal, orders: int) -> Decimal | None:
    """GMV / orders, half-up to the cent (decision 8); None without orders."""
    if orders == 0:
        return None
    return (gmv / Decimal(orders)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def latest_rows(entity: str, key: str, clean_ids: set[int]) -> dict[int, dict[str, str]]:
    """The raw rows of ``entity`` whose key is clean, one per key: the latest loaded_at."""
    rows: dict[int, dict[str, str]] = {}
    with open(RAW / f"{entity}.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                row_id = int(row[key])
            except ValueError:
                continue
            if row_id not in clean_ids:
                continue
            if row_id not in rows or row["loaded_at"] > rows[row_id]["loaded_at"]:
                rows[row_id] = row
    return rows


def clean_ids(con, relation: str, column: str) -> set[int]:
    return {row[0] for row in con.execute(f"select {column} from {relation}").fetchall()}


# The raw contract's older SDK spellings of the interaction events
# (stg_tracking__events.event_type: "review, vote, checkin, ... are mapped").
EVENT_SPELLINGS = {"review": "comment", "vote": "like", "upvote": "like", "checkin": "check_in",
                   "check-in": "check_in", "sign_in": "check_in"}


def normalised_event_type(value: str) -> str:
    value = (value or "").strip().lower()
    return EVENT_SPELLINGS.get(value, value)


def level_of(paid_orders: int, interactions: int, gmv: Decimal, rule: dict) -> str:
    """The level rule of int_user_value_months, first match wins."""
    if paid_orders >= rule["s_min_paid_orders"] and interactions >= rule["s_min_interactions"]:
        return "S"
    if (paid_orders >= rule["a_min_paid_orders"] and interactions >= rule["a_min_interactions"]) \
            or gmv >= Decimal(str(rule["a_min_paid_gmv_cny"])):
        return "A"
    if paid_orders >= rule["b_min_paid_orders"]:
        return "B"
    if interactions >= rule["c_min_interactions"]:
        return "C"
    return "D"


@pytest.fixture(scope="module")
def expected(warehouse) -> dict:
    """Per (user, month): paid orders, GMV, interactions and level; and the data's months."""
    import duckdb

    for entity in ("orders", "events"):
        if not (RAW / f"{entity}.csv").exists():
            pytest.skip(f"seeds/raw/{entity}.csv is absent")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        orders = latest_rows("orders", "order_id", clean_ids(con, "staging.stg_shop__orders", "order_id"))
        events = latest_rows("events", "event_id", clean_ids(con, "staging.stg_tracking__events", "event_id"))
    finally:
        con.close()
    variables = project_vars()
    rule = variables["value_level_thresholds"]
    interaction_types = {normalised_event_type(name) for name in variables["value_interaction_event_types"]}
    first_day, last_day = data_window(warehouse)

    def in_window(day: dt.date) -> bool:
        return first_day <= day <= last_day

    months: dict[tuple[int, dt.date], dict] = defaultdict(
        lambda: {"paid_orders": 0, "gmv": Decimal("0"), "interactions": 0})
    interaction_events = 0
    for row in events.values():
        day = shanghai_day(parse(row["event_at"]))
        if not in_window(day):
            continue
        cell = months[(int(row["user_id"]), month_of(day))]
        if normalised_event_type(row["event_type"]) in interaction_types:
            cell["interactions"] += 1
            interaction_events += 1
    for row in orders.values():
        user_id = int(row["user_id"])
        placed_day = shanghai_day(parse(row["placed_at"]))
        if in_window(placed_day):
            months[(user_id, month_of(placed_day))]  # placing an order is activity
        paid_at = parse(row["paid_at"])
        if paid_at is not None and in_window(shanghai_day(paid_at)):
            cell = months[(user_id, month_of(shanghai_day(paid_at)))]
            cell["paid_orders"] += 1
            cell["gmv"] += Decimal(row["paid_amount"].strip())
    for cell in months.values():
        cell["level"] = level_of(cell["paid_orders"], cell["interactions"], cell["gmv"], rule)
    data_months = []
    month = month_of(first_day)
    while month <= month_of(last_day):
        data_months.append(month)
        month = add_month(month, 1)
    return {"user_months": dict(months), "months": data_months, "interaction_events": interaction_events,
            "first_day": first_day, "last_day": last_day}


def test_user_levels_match_raw(connect, expected) -> None:
    """Every active user-month, its level, paid orders, GMV, interactions and neighbouring levels."""
    user_months = expected["user_months"]
    first_month, last_month = expected["months"][0], expected["months"][-1]
    rows = connect.execute(
        "select user_id, month_start_date, value_level, paid_orders, paid_gmv_cny, interactions, aov_cny, "
        "previous_value_level, next_value_level from marts.fct_user_value_levels_monthly"
    ).fetchall()
    mart = {(user_id, month): rest for user_id, month, *rest in rows}
    assert set(mart) == set(user_months)
    for (user_id, month), cell in user_months.items():
        previous = None if month == first_month else \
            user_months.get((user_id, add_month(month, -1)), {}).get("level", INACTIVE)
        following = None if month == last_month else \
            user_months.get((user_id, add_month(month, 1)), {}).get("level", INACTIVE)
        assert tuple(mart[(user_id, month)]) == (
            cell["level"], cell["paid_orders"], cell["gmv"], cell["interactions"],
            aov(cell["gmv"], cell["paid_orders"]), previous, following,
        ), (user_id, month)


def test_monthly_s_share_gmv_share_and_aov_match_raw(connect, expected) -> None:
    """Per month: S share of active users, S share of GMV, AOV of S and of the rest; every level's counts."""
    by_month: dict[dt.date, Counter] = defaultdict(Counter)
    gmv: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    for (_user_id, month), cell in expected["user_months"].items():
        by_month[month][(cell["level"], "users")] += 1
        by_month[month][(cell["level"], "paid_orders")] += cell["paid_orders"]
        by_month[month][(cell["level"], "paying_users")] += cell["paid_orders"] > 0
        gmv[(month, cell["level"])] += cell["gmv"]

    rows = connect.execute(
        "select month_start_date, value_level, users, month_active_users, user_share, paid_orders, paid_gmv_cny, "
        "month_paid_gmv_cny, gmv_share, aov_cny, rest_aov_cny, is_complete_month, paying_users, paying_user_share "
        "from marts.fct_value_levels_monthly"
    ).fetchall()
    mart = {(month, level): rest for month, level, *rest in rows}
    assert set(mart) == {(month, level) for month in expected["months"] for level in LEVELS}
    for month in expected["months"]:
        active = sum(by_month[month][(level, "users")] for level in LEVELS)
        month_gmv = sum((gmv[(month, level)] for level in LEVELS), Decimal("0"))
        month_orders = sum(by_month[month][(level, "paid_orders")] for level in LEVELS)
        month_buyers = sum(by_month[month][(level, "paying_users")] for level in LEVELS)
        month_end = add_month(month, 1) - dt.timedelta(days=1)
        for level in LEVELS:
            users = by_month[month][(level, "users")]
            orders = by_month[month][(level, "paid_orders")]
            (m_users, m_active, m_share, m_orders, m_gmv, m_month_gmv, m_gmv_share, m_aov, m_rest_aov,
             m_complete, m_buyers, m_buyer_share) = mart[(month, level)]
            buyers = by_month[month][(level, "paying_users")]
            key = (month, level)
            assert (m_users, m_active, m_orders, m_gmv, m_month_gmv) == (
                users, active, orders, gmv[key], month_gmv), key
            assert m_share == (pytest.approx(users / active, abs=1e-12) if active else None), key
            assert m_buyers == buyers, key
            assert m_buyer_share == (pytest.approx(buyers / month_buyers, abs=1e-12) if month_buyers else None), key
            assert m_gmv_share == (
                pytest.approx(float(gmv[key] / month_gmv), abs=1e-12) if month_gmv else None), key
            assert m_aov == aov(gmv[key], orders), key
            assert m_rest_aov == aov(month_gmv - gmv[key], month_orders - orders), key
            assert m_complete == (expected["first_day"] <= month and month_end <= expected["last_day"]), key

    # pooled over all months: sums of counts (the README query)
    pooled = connect.execute(
        "select sum(case when value_level = 'S' then users else 0 end), sum(users), "
        "sum(case when value_level = 'S' then paid_gmv_cny else 0 end), sum(paid_gmv_cny) "
        "from marts.fct_value_levels_monthly"
    ).fetchone()
    s_users = sum(1 for cell in expected["user_months"].values() if cell["level"] == "S")
    s_gmv = sum((cell["gmv"] for cell in expected["user_months"].values() if cell["level"] == "S"), Decimal("0"))
    assert (pooled[0], pooled[1], pooled[2], pooled[3]) == (
        s_users, len(expected["user_months"]), s_gmv,
        sum((cell["gmv"] for cell in expected["user_months"].values()), Decimal("0")))

    # the check means something on any sample: buyers and browsers exist
    levels = Counter(cell["level"] for cell in expected["user_months"].values())
    assert levels["B"] > 0 and levels["D"] > 0
    if expected["interaction_events"] == 0:
        # without interactions no month reaches S or C, in the raw data and in the marts
        assert levels["S"] == 0 and levels["C"] == 0
    else:
        assert levels["S"] + levels["C"] > 0


def test_transitions_match_raw(connect, expected) -> None:
    """Month-over-month moves between levels and inactive, with their share of from_level's users."""
    user_months = expected["user_months"]
    months = expected["months"]
    moves: Counter = Counter()
    users = {user_id for user_id, _month in user_months}
    for month in months[1:]:
        previous = add_month(month, -1)
        for user_id in users:
            before = user_months.get((user_id, previous), {}).get("level", INACTIVE)
            now = user_months.get((user_id, month), {}).get("level", INACTIVE)
            if before == INACTIVE and now == INACTIVE:
                continue
            moves[(month, before, now)] += 1
    from_totals: Counter = Counter()
    for (month, before, _now), count in moves.items():
        from_totals[(month, before)] += count

    rows = connect.execute(
        "select month_start_date, from_level, to_level, users, from_level_users, share_of_from_level "
        "from marts.fct_value_level_transitions"
    ).fetchall()
    states = LEVELS + (INACTIVE,)
    assert {(month, before, now) for month, before, now, *_ in rows} == {
        (month, before, now) for month in months[1:] for before in states for now in states
        if not (before == INACTIVE and now == INACTIVE)
    }
    for month, before, now, count, from_users, share in rows:
        key = (month, before, now)
        assert (count, from_users) == (moves[key], from_totals[(month, before)]), key
        expected_share = moves[key] / from_totals[(month, before)] if from_totals[(month, before)] else None
        assert share == (pytest.approx(expected_share, abs=1e-12) if expected_share is not None else None), key
