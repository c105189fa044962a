"""Independent oracle for the logistics and after-sales marts (issue 14).

Recomputes, in plain Python from the raw CSV files in seeds/raw, the
72-hour delivery share, the late share of returns, the refunds and the
logistics-notice comparison, and requires fct_delivery_performance_daily,
fct_returns_daily and fct_after_sales_comparisons to match exactly (counts,
and refunds to the cent). Every value and every metric rule comes from the
raw files and the rules written in the model YAML: timestamps are parsed
here, the counted parcel (first shipped, ties lowest shipment_id), 72
hours, late (delivered after the promise), the notice window and the
30-day repurchase are rebuilt here. Only *which* raw rows are clean (the
staging quarantine and deduplication, tested by their own suite) is read
from the warehouse: the ids of the clean orders, shipments, returns,
messages and users.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from conftest import REPO, data_window

RAW = REPO / "seeds" / "raw"
SHANGHAI_OFFSET = dt.timedelta(hours=8)
CARRIERS = {"sf", "jd", "yto", "zto", "ems"}


def parse(value: str) -> dt.datetime | None:
    """A raw UTC timestamp ('YYYY-MM-DD HH:MM:SS'), or None when empty."""
    value = (value or "").strip()
    return dt.datetime.fromisoformat(value) if value else None


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


@pytest.fixture()
def raw(connect):
    """The clean raw rows of orders, shipments, returns and logistics notices."""
    for entity in ("orders", "shipments", "returns", "messages"):
        if not (RAW / f"{entity}.csv").exists():
            pytest.skip(f"seeds/raw/{entity}.csv is absent")
    orders = latest_rows("orders", "order_id", clean_ids(connect, "staging.stg_shop__orders", "order_id"))
    shipments = latest_rows("shipments", "shipment_id",
                            clean_ids(connect, "staging.stg_logistics__shipments", "shipment_id"))
    returns = latest_rows("returns", "return_id", clean_ids(connect, "staging.stg_logistics__returns", "return_id"))
    messages = latest_rows("messages", "message_id", clean_ids(connect, "staging.stg_crm__messages", "message_id"))
    return orders, shipments, returns, messages


def parcels(orders, shipments) -> dict[int, dict]:
    """The counted parcel per clean order: first shipped, ties lowest shipment_id."""
    first: dict[int, tuple] = {}
    for shipment_id, row in shipments.items():
        order_id = int(row["order_id"])
        if order_id not in orders:
            continue
        candidate = (parse(row["shipped_at"]), shipment_id, row)
        if order_id not in first or candidate[:2] < first[order_id][:2]:
            first[order_id] = candidate
    result = {}
    for order_id, (shipped_at, _shipment_id, row) in first.items():
        carrier = (row["carrier"] or "").strip().lower()
        result[order_id] = {
            "shipped_at": shipped_at,
            "shipped_date": (shipped_at + SHANGHAI_OFFSET).date(),
            "carrier": carrier if carrier in CARRIERS else "unknown",
            "delivered_at": parse(row["delivered_at"]),
            "promised_at": parse(row["promised_delivery_at"]),
            "paid_at": parse(orders[order_id]["paid_at"]),
        }
    return result


def test_72_hour_share_matches_raw(connect, raw):
    """Delivered within 72 hours of payment / delivered, per shipment day and carrier and overall."""
    orders, shipments, _returns, _messages = raw
    expected_delivered: Counter = Counter()
    expected_within: Counter = Counter()
    for parcel in parcels(orders, shipments).values():
        key = (parcel["shipped_date"], parcel["carrier"])
        if parcel["delivered_at"] is None:
            continue
        expected_delivered[key] += 1
        paid_at = parcel["paid_at"]
        if paid_at is not None and parcel["delivered_at"] <= paid_at + dt.timedelta(hours=72):
            expected_within[key] += 1

    rows = connect.execute(
        "select shipped_date, carrier, sum(orders_delivered), sum(orders_delivered_within_72h) "
        "from marts.fct_delivery_performance_daily group by shipped_date, carrier"
    ).fetchall()
    mart_delivered = Counter({(day, carrier): int(d) for day, carrier, d, _w in rows if d})
    mart_within = Counter({(day, carrier): int(w) for day, carrier, _d, w in rows if w})
    assert mart_delivered == expected_delivered
    assert mart_within == expected_within
    total = sum(expected_delivered.values())
    if total:
        share = sum(expected_within.values()) / total
        mart_share = connect.execute(
            "select sum(orders_delivered_within_72h) / sum(orders_delivered) from marts.fct_delivery_performance_daily"
        ).fetchone()[0]
        assert mart_share == pytest.approx(share, abs=1e-12)


def test_late_share_of_returns_and_refunds_match_raw(connect, raw):
    """Returned orders, those delivered late (after the promise), refunds and reasons."""
    orders, shipments, returns, _messages = raw
    by_order = parcels(orders, shipments)
    returned: set[int] = set()
    refunds = Decimal("0")
    reasons: Counter = Counter()
    for row in returns.values():
        order_id = int(row["order_id"])
        if order_id not in orders:
            continue
        returned.add(order_id)
        refunds += Decimal(row["refund_amount"])
        reasons[row["reason"].strip()] += 1
    late = {
        order_id for order_id in returned
        if order_id in by_order
        and by_order[order_id]["delivered_at"] is not None
        and by_order[order_id]["promised_at"] is not None
        and by_order[order_id]["delivered_at"] > by_order[order_id]["promised_at"]
    }
    mart = connect.execute(
        "select sum(returned_orders), sum(returned_orders_delivered_late), sum(refunded_amount_cny), "
        "sum(returns_late_delivery), sum(returns_quality), sum(returns) from marts.fct_returns_daily"
    ).fetchone()
    assert int(mart[0] or 0) == len(returned)
    assert int(mart[1] or 0) == len(late)
    assert Decimal(str(mart[2] or 0)) == refunds
    assert int(mart[3] or 0) == reasons["late_delivery"]
    assert int(mart[4] or 0) == reasons["quality"]
    assert int(mart[5] or 0) == sum(reasons.values())


def test_notice_comparison_matches_raw(connect, raw, warehouse):
    """Delivered paid orders with 30 days after delivery inside the data: notice (sent between shipment and
    delivery) against none, return rate and 30-day repurchase; all orders and late parcels only."""
    orders, shipments, returns, messages = raw
    _first_day, last_day = data_window(warehouse)
    data_end_at = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time()) - SHANGHAI_OFFSET
    returned = {int(row["order_id"]) for row in returns.values()}
    notices: dict[int, list[dt.datetime]] = defaultdict(list)
    for row in messages.values():
        if row["purpose"].strip() == "logistics_notice":
            notices[int(row["user_id"])].append(parse(row["sent_at"]))
    payments: dict[int, list[dt.datetime]] = defaultdict(list)
    for row in orders.values():
        if parse(row["paid_at"]) is not None:
            payments[int(row["user_id"])].append(parse(row["paid_at"]))

    counts: Counter = Counter()
    for order_id, parcel in parcels(orders, shipments).items():
        delivered_at = parcel["delivered_at"]
        if delivered_at is None or parcel["paid_at"] is None:
            continue
        deadline = delivered_at + dt.timedelta(days=30)
        if not deadline < data_end_at:
            continue
        user_id = int(orders[order_id]["user_id"])
        group = "notice" if any(parcel["shipped_at"] <= sent <= delivered_at for sent in notices[user_id]) else "none"
        is_late = parcel["promised_at"] is not None and delivered_at > parcel["promised_at"]
        for stratum in ("all", "late") if is_late else ("all",):
            counts[(stratum, group, "orders")] += 1
            counts[(stratum, group, "returned")] += order_id in returned
            counts[(stratum, group, "repurchased")] += any(
                delivered_at < paid <= deadline for paid in payments[user_id]
            )

    rows = {
        (comparison, metric): tuple(values)
        for comparison, metric, *values in connect.execute(
            "select comparison, metric_name, treated_orders, treated_successes, control_orders, control_successes "
            "from marts.fct_after_sales_comparisons where comparison like 'logistics_notice_vs_none%'"
        ).fetchall()
    }
    for stratum, comparison in (("all", "logistics_notice_vs_none"), ("late", "logistics_notice_vs_none_late_parcels")):
        for metric, outcome in (("return_rate", "returned"), ("repurchase_30d_rate", "repurchased")):
            assert rows[(comparison, metric)] == (
                counts[(stratum, "notice", "orders")], counts[(stratum, "notice", outcome)],
                counts[(stratum, "none", "orders")], counts[(stratum, "none", outcome)],
            ), (comparison, metric)
