"""Independent oracle for the member marts.

Recomputes, in plain Python from the staging layer only (stg_shop__orders,
stg_logistics__returns, stg_shop__users), for every customer:

- the RFM inputs of fct_customer_rfm (recency, frequency, monetary), the 1-5
  scores, the segment and the lifecycle stage;
- the BG/NBD inputs of fct_customer_clv and int_customer_clv_inputs
  (purchase days, frequency x, recency t_x, age T, repeat purchase value,
  calibration window and holdout counts);
- the current tier of dim_member_tier_history;

and requires exact equality (money as Decimal). It does not reuse the SQL
under test: the as-of day comes from dbt_project.yml, the rules from
docs/member.md.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import pathlib
from collections import defaultdict
from decimal import Decimal

import pytest
import yaml

from conftest import data_window

REPO = pathlib.Path(__file__).resolve().parents[2]
ZERO = Decimal("0.00")


def project_vars() -> dict:
    with open(REPO / "dbt_project.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["vars"]


@pytest.fixture(scope="module")
def as_of(warehouse) -> dt.date:
    """var member_as_of_date, else the data's last day (recomputed from staging)."""
    variables = project_vars()
    if variables.get("member_as_of_date"):
        return dt.date.fromisoformat(str(variables["member_as_of_date"]))
    return data_window(warehouse)[1]


def calibration_end_day(as_of: dt.date) -> dt.date:
    """var clv_calibration_end_date, else the as-of day minus clv_holdout_days."""
    variables = project_vars()
    if variables.get("clv_calibration_end_date"):
        return dt.date.fromisoformat(str(variables["clv_calibration_end_date"]))
    return as_of - dt.timedelta(days=int(variables["clv_holdout_days"]))


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic, clamping to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Staging:
    """Paid orders, refunds and registrations read from the staging views."""

    def __init__(self, con) -> None:
        self.paid_orders = con.execute(
            """
            select order_id, user_id, paid_date, order_amount_cny
            from staging.stg_shop__orders
            where is_paid
            """
        ).fetchall()
        paid_day = {order_id: paid for order_id, _, paid, _ in self.paid_orders}
        owner = {order_id: user for order_id, user, _, _ in self.paid_orders}
        self.refunds = []  # (user_id, refund day, amount)
        for order_id, requested, amount in con.execute(
            "select order_id, requested_date, refund_amount_cny from staging.stg_logistics__returns"
        ).fetchall():
            if order_id in paid_day:
                self.refunds.append((owner[order_id], max(requested, paid_day[order_id]), amount))
        self.registered = dict(
            con.execute("select user_id, registered_date from staging.stg_shop__users").fetchall()
        )


@pytest.fixture(scope="module")
def staging(warehouse):
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        yield Staging(con), con.execute  # the executor is used by the tests below
    finally:
        con.close()


def expected_rfm_inputs(data: Staging, as_of: dt.date) -> dict[int, dict]:
    customers: dict[int, dict] = {}
    for _, user_id, paid, amount in data.paid_orders:
        if paid > as_of:
            continue
        row = customers.setdefault(user_id, {"first": paid, "last": paid, "frequency": 0, "monetary": ZERO})
        row["first"], row["last"] = min(row["first"], paid), max(row["last"], paid)
        row["frequency"] += 1
        row["monetary"] += amount
    for user_id, day, amount in data.refunds:
        if day <= as_of and user_id in customers:
            customers[user_id]["monetary"] -= amount
    for user_id, row in customers.items():
        row["recency"] = (as_of - row["last"]).days
    return customers


def quintile_scores(values: dict[int, object], better_is_higher: bool) -> dict[int, int]:
    """1 + floor(5 * customers strictly worse / customers); ties share a score."""
    ordered = sorted(values.values())
    n = len(ordered)
    scores = {}
    for user_id, value in values.items():
        worse = bisect.bisect_left(ordered, value) if better_is_higher else n - bisect.bisect_right(ordered, value)
        scores[user_id] = 1 + (5 * worse) // n
    return scores


def segment(r: int, f: int, m: int) -> str:
    if r >= 4 and f >= 4 and m >= 4:
        return "core"
    if r >= 3 and (f >= 4 or m >= 4):
        return "potential"
    if r >= 3:
        return "new"
    if f >= 4 or m >= 4:
        return "at_risk"
    return "sleeping" if r == 2 else "lost"


def lifecycle(registered: dt.date, last_paid: dt.date, as_of: dt.date) -> str:
    if last_paid < add_months(as_of, -12):
        return "declining"
    if as_of < add_months(registered, 1):
        return "new"
    if as_of < add_months(registered, 6):
        return "growth"
    return "mature"


def test_rfm_matches_plain_python(staging, as_of) -> None:
    data, execute = staging
    expected = expected_rfm_inputs(data, as_of)
    r_scores = quintile_scores({u: row["recency"] for u, row in expected.items()}, better_is_higher=False)
    f_scores = quintile_scores({u: row["frequency"] for u, row in expected.items()}, better_is_higher=True)
    m_scores = quintile_scores({u: row["monetary"] for u, row in expected.items()}, better_is_higher=True)

    rows = execute(
        """
        select user_id, as_of_date, recency_days, frequency, monetary_cny,
               r_score, f_score, m_score, rfm_segment, lifecycle_stage
        from marts.fct_customer_rfm
        """
    ).fetchall()
    assert len(expected) > 100, "the sample should have customers"
    assert {row[0] for row in rows} == set(expected)
    for user_id, row_as_of, recency, frequency, monetary, r, f, m, seg, stage in rows:
        want = expected[user_id]
        assert row_as_of == as_of
        assert (recency, frequency, monetary) == (want["recency"], want["frequency"], want["monetary"]), user_id
        assert (r, f, m) == (r_scores[user_id], f_scores[user_id], m_scores[user_id]), user_id
        assert seg == segment(r, f, m), user_id
        assert stage == lifecycle(data.registered[user_id], want["last"], as_of), user_id


def expected_bgnbd_inputs(data: Staging, as_of: dt.date, calibration_end: dt.date) -> dict[int, dict]:
    days: dict[int, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    orders: dict[int, int] = defaultdict(int)
    for _, user_id, paid, amount in data.paid_orders:
        if paid <= as_of:
            days[user_id][paid] += amount
            orders[user_id] += 1
    result = {}
    for user_id, by_day in days.items():
        ordered = sorted(by_day)
        first, last = ordered[0], ordered[-1]
        repeats = ordered[1:]
        calibration = [day for day in ordered if day <= calibration_end]
        in_calibration = first <= calibration_end
        result[user_id] = {
            "paid_orders": orders[user_id],
            "purchase_days": len(ordered),
            "x": len(repeats),
            "t_x": (last - first).days,
            "T": (as_of - first).days,
            "repeat_value": sum((by_day[day] for day in repeats), ZERO) if repeats else None,
            "calibration_x": len(calibration) - 1 if in_calibration else None,
            "calibration_t_x": (calibration[-1] - first).days if in_calibration else None,
            "calibration_T": (calibration_end - first).days if in_calibration else None,
            "holdout_x": sum(1 for day in ordered if day > calibration_end) if in_calibration else None,
        }
    return result


def test_bgnbd_inputs_match_plain_python(staging, as_of) -> None:
    data, execute = staging
    calibration_end = calibration_end_day(as_of)
    expected = expected_bgnbd_inputs(data, as_of, calibration_end)

    rows = execute(
        """
        select clv.user_id, clv.paid_orders, clv.purchase_days, clv.repeat_purchase_days,
               clv.recency_days, clv.age_days, clv.repeat_purchase_value_cny,
               clv.mean_repeat_purchase_value_cny,
               inputs.calibration_repeat_purchase_days, inputs.calibration_recency_days,
               inputs.calibration_age_days, inputs.holdout_repeat_purchase_days
        from marts.fct_customer_clv as clv
        inner join intermediate.int_customer_clv_inputs as inputs
            on clv.user_id = inputs.user_id
        """
    ).fetchall()
    assert {row[0] for row in rows} == set(expected)
    for (user_id, paid_orders, purchase_days, x, t_x, age, repeat_value, mean_value,
         cal_x, cal_t_x, cal_age, holdout_x) in rows:
        want = expected[user_id]
        assert (paid_orders, purchase_days, x, t_x, age) == (
            want["paid_orders"], want["purchase_days"], want["x"], want["t_x"], want["T"]), user_id
        assert repeat_value == want["repeat_value"], user_id
        assert (cal_x, cal_t_x, cal_age, holdout_x) == (
            want["calibration_x"], want["calibration_t_x"], want["calibration_T"], want["holdout_x"]), user_id
        if want["repeat_value"] is None:
            assert mean_value is None
        else:
            # the mean is shown rounded to cents (DuckDB divides in double);
            # the fit uses the exact sum above
            assert abs(mean_value - want["repeat_value"] / want["x"]) <= Decimal("0.0051"), user_id


def test_current_tier_matches_plain_python(staging) -> None:
    data, execute = staging
    variables = project_vars()
    regular, vip = Decimal(str(variables["member_regular_threshold_cny"])), Decimal(str(variables["member_vip_threshold_cny"]))
    net: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for _, user_id, _, amount in data.paid_orders:
        net[user_id] += amount
    for user_id, _, amount in data.refunds:
        net[user_id] -= amount

    def tier(spend: Decimal) -> str:
        return "vip" if spend >= vip else "regular" if spend >= regular else "non_member"

    current = dict(execute(
        "select user_id, tier from marts.dim_member_tier_history where is_current"
    ).fetchall())
    assert set(current) == set(data.registered)
    for user_id in data.registered:
        assert current[user_id] == tier(net.get(user_id, ZERO)), user_id
