"""Independent oracle for the coupon marts (issue 14, docs/marketing.md "Coupons").

Recomputes, in plain Python from the raw CSV files of the committed sample
(seeds/raw: coupons, orders, users, campaigns), the coupons issued and
redeemed, the redemption rate per campaign and template and per template,
and the coupon cost per campaign and in total, and requires
fct_coupon_performance and fct_campaign_performance to match exactly.

The staging rules the coupon figures depend on are rebuilt here from
docs/staging.md, not read from the SQL: the latest ``loaded_at`` of a key
wins (exact copies are one row; different versions at the latest load are
set aside), rows with a missing or unparsable key, money or timestamp are
set aside, a coupon worth 0 or less, one expiring or redeemed before it was
issued, one whose holder is not a clean user (test accounts included) or
whose campaign is not a clean campaign is set aside; an order with an
unknown status or risk flag, a negative amount, paid or cancelled before it
was placed, of a user that is not clean, or flagged as fraud is set aside.
Redeemed = a clean paid order (paid_at set) carries the coupon's id;
coupon cost = the coupon amount of those orders (the rule written in
models/intermediate/marketing/_int_marketing__models.yml).
"""

from __future__ import annotations

import csv
import datetime as dt
import pathlib
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
RAW = REPO / "seeds" / "raw"
RATE_STEP = Decimal("0.0001")
NULLS = {"", "NULL", "\\N"}
ORDER_STATUSES = {"created", "paid", "shipped", "delivered", "completed", "cancelled", "refunded"}


def read_raw(entity: str) -> list[dict[str, str | None]]:
    """The rows of seeds/raw/<entity>.csv, null strings as None."""
    with open(RAW / f"{entity}.csv", encoding="utf-8", newline="") as handle:
        return [
            {key: (None if value is None or value.strip() in NULLS else value.strip()) for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def parse_int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        raise ValueError(text) from None


def parse_money(text: str | None) -> Decimal | None:
    if text is None:
        return None
    value = Decimal(text)
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(text)
    return value


def parse_ts(text: str | None) -> dt.datetime | None:
    """A raw timestamp as naive UTC ('Z' or a numeric offset converted)."""
    if text is None:
        return None
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment


def latest_versions(rows: list[dict], key: str) -> dict[str, dict]:
    """Per key, the one row at the latest loaded_at; keys whose latest load
    holds two different versions are dropped (conflicting duplicates)."""
    by_key: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row[key] is not None and row["loaded_at"] is not None:
            by_key[row[key]].append(row)
    out = {}
    for value, versions in by_key.items():
        latest = max(parse_ts(row["loaded_at"]) for row in versions)
        at_latest = {tuple(sorted(row.items())) for row in versions if parse_ts(row["loaded_at"]) == latest}
        if len(at_latest) == 1:
            out[value] = dict(next(iter(at_latest)))
    return out


def clean_users() -> set[int]:
    users = set()
    for row in latest_versions(read_raw("users"), "user_id").values():
        try:
            user_id = parse_int(row["user_id"])
            parse_ts(row["registered_at"])
        except ValueError:
            continue
        if (row.get("is_test_account") or "").lower() not in ("true", "1", "t", "yes"):
            users.add(user_id)
    return users


def clean_campaigns() -> set[int]:
    campaigns = set()
    for row in latest_versions(read_raw("campaigns"), "campaign_id").values():
        try:
            start, end = parse_ts(row["start_date"]), parse_ts(row["end_date"])
            budget = parse_money(row.get("budget"))
        except (ValueError, InvalidOperation):
            continue
        if start is None or end is None or end < start or (budget is not None and budget < 0):
            continue
        campaigns.add(parse_int(row["campaign_id"]))
    return campaigns


def clean_coupons(users: set[int], campaigns: set[int]) -> dict[int, dict]:
    coupons = {}
    for row in latest_versions(read_raw("coupons"), "coupon_id").values():
        try:
            coupon = {
                "coupon_id": parse_int(row["coupon_id"]),
                "user_id": parse_int(row["user_id"]),
                "campaign_id": parse_int(row["campaign_id"]),
                "threshold": parse_money(row["threshold_amount"]) or Decimal("0.00"),
                "value": parse_money(row["discount_value"]),
                "issued_at": parse_ts(row["issued_at"]),
                "expires_at": parse_ts(row["expires_at"]),
                "redeemed_at": parse_ts(row["redeemed_at"]),
            }
        except (ValueError, InvalidOperation):
            continue
        if coupon["expires_at"] is not None and coupon["expires_at"].year >= 9999:
            coupon["expires_at"] = None  # the systems' "never expires"
        if coupon["user_id"] is None or coupon["value"] is None or coupon["issued_at"] is None:
            continue
        if coupon["value"] <= 0 or coupon["threshold"] < 0:
            continue
        if coupon["expires_at"] is not None and coupon["expires_at"] < coupon["issued_at"]:
            continue
        if coupon["redeemed_at"] is not None and coupon["redeemed_at"] < coupon["issued_at"]:
            continue
        if coupon["user_id"] not in users:
            continue
        if coupon["campaign_id"] is not None and coupon["campaign_id"] not in campaigns:
            continue
        coupons[coupon["coupon_id"]] = coupon
    return coupons


def clean_paid_coupon_orders(users: set[int]) -> dict[int, list[tuple[int, Decimal]]]:
    """Per coupon id, the (order_id, coupon amount) of the clean paid orders carrying it."""
    out: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for row in latest_versions(read_raw("orders"), "order_id").values():
        try:
            order_id, user_id = parse_int(row["order_id"]), parse_int(row["user_id"])
            placed, paid = parse_ts(row["placed_at"]), parse_ts(row["paid_at"])
            cancelled = parse_ts(row["cancelled_at"])
            amounts = [parse_money(row[name]) for name in
                       ("list_amount", "discount_amount", "coupon_amount", "shipping_fee", "paid_amount")]
            coupon_id = parse_int(row["coupon_id"])
        except (ValueError, InvalidOperation):
            continue
        status = (row["status"] or "").lower()
        risk = (row["risk_flag"] or "none").lower()
        if user_id is None or placed is None or status not in ORDER_STATUSES or risk not in ("none", "fraud"):
            continue
        if any(amount is not None and amount < 0 for amount in amounts):
            continue
        if (paid is not None and paid < placed) or (cancelled is not None and cancelled < placed):
            continue
        if user_id not in users or risk == "fraud":
            continue
        if paid is not None and coupon_id is not None:
            out[coupon_id].append((order_id, amounts[2] or Decimal("0.00")))
    return out


def rate(numerator: int, denominator: int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_STEP, rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def oracle() -> dict:
    users = clean_users()
    coupons = clean_coupons(users, clean_campaigns())
    orders = clean_paid_coupon_orders(users)
    rows: dict[tuple, dict] = defaultdict(lambda: {"issued": 0, "redeemed": 0, "cost": Decimal("0.00")})
    for coupon in coupons.values():
        cell = rows[(coupon["campaign_id"], coupon["threshold"], coupon["value"])]
        cell["issued"] += 1
        uses = orders.get(coupon["coupon_id"], [])
        if uses:
            cell["redeemed"] += 1
            cell["cost"] += sum(amount for _order, amount in uses)
    return {"coupons": coupons, "rows": dict(rows)}


def test_oracle_stages_the_same_coupons(connect, oracle) -> None:
    """The oracle's staging of raw coupons keeps exactly the coupons staging keeps."""
    staged = {row[0] for row in connect.execute("select coupon_id from staging.stg_marketing__coupons").fetchall()}
    assert set(oracle["coupons"]) == staged


def test_issued_redeemed_rate_per_campaign_and_template(connect, oracle) -> None:
    mart = {
        (campaign_id, threshold, value): (issued, redeemed, redemption_rate, cost)
        for campaign_id, threshold, value, issued, redeemed, redemption_rate, cost in connect.execute(
            "select campaign_id, threshold_amount_cny, discount_value_cny, coupons_issued, coupons_redeemed, "
            "redemption_rate, coupon_cost_cny from marts.fct_coupon_performance"
        ).fetchall()
    }
    expected = {
        key: (cell["issued"], cell["redeemed"], rate(cell["redeemed"], cell["issued"]), cell["cost"])
        for key, cell in oracle["rows"].items()
    }
    assert mart == expected
    assert sum(cell["redeemed"] for cell in oracle["rows"].values()) > 0


def test_redemption_rate_per_template(connect, oracle) -> None:
    """A template across campaigns: the rate recomputed from the summed counts."""
    per_template: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for (_campaign, threshold, value), cell in oracle["rows"].items():
        per_template[(threshold, value)][0] += cell["issued"]
        per_template[(threshold, value)][1] += cell["redeemed"]
    mart = {
        (threshold, value): (issued, redeemed, rate(redeemed, issued))
        for threshold, value, issued, redeemed in connect.execute(
            "select threshold_amount_cny, discount_value_cny, sum(coupons_issued), sum(coupons_redeemed) "
            "from marts.fct_coupon_performance group by all"
        ).fetchall()
    }
    assert mart == {key: (issued, redeemed, rate(redeemed, issued)) for key, (issued, redeemed) in per_template.items()}


def test_coupon_cost_total_and_per_campaign(connect, oracle) -> None:
    total = sum((cell["cost"] for cell in oracle["rows"].values()), Decimal("0.00"))
    assert connect.execute("select sum(coupon_cost_cny) from marts.fct_coupon_performance").fetchone()[0] == total
    per_campaign: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for (campaign_id, _threshold, _value), cell in oracle["rows"].items():
        if campaign_id is not None:
            per_campaign[campaign_id] += cell["cost"]
    campaigns = dict(connect.execute(
        "select campaign_id, coupon_cost_cny from marts.fct_campaign_performance"
    ).fetchall())
    assert campaigns == {campaign_id: per_campaign.get(campaign_id, Decimal("0.00")) for campaign_id in campaigns}
    assert set(per_campaign) <= set(campaigns)


def docs_template_query() -> str:
    """The first SQL block of the "Coupons" section of docs/marketing.md."""
    text = (REPO / "docs" / "marketing.md").read_text(encoding="utf-8")
    section = text[text.index("## Coupons"):]
    start = section.index("```sql\n") + len("```sql\n")
    return section[start:section.index("```", start)]


def test_template_query_in_docs(connect, oracle) -> None:
    """The docs' per-template query, run as written, gives the oracle's counts."""
    per_template: dict[tuple, list] = defaultdict(lambda: [0, 0, Decimal("0.00")])
    for (_campaign, threshold, value), cell in oracle["rows"].items():
        per_template[(threshold, value)][0] += cell["issued"]
        per_template[(threshold, value)][1] += cell["redeemed"]
        per_template[(threshold, value)][2] += cell["cost"]
    rows = connect.execute(docs_template_query()).fetchall()
    assert len(rows) == len(per_template)
    got = sorted((issued, redeemed, cost) for _name, issued, redeemed, _pct, cost, _gmv in rows)
    assert got == sorted(tuple(cell) for cell in per_template.values())


def offers_per_campaign(users: set[int], coupons: dict[int, dict]) -> dict[int, tuple[int, int]]:
    """Per campaign: (users offered, offered users who claimed) from raw messages and the clean coupons.

    Offered = a clean user reached by a marketing message (purpose recall_1..3
    or promotion) carrying the campaign; claimed = such a user issued one of
    the campaign's clean coupons at or after the first of those messages.
    """
    first_offer: dict[tuple[int, int], dt.datetime] = {}
    for row in latest_versions(read_raw("messages"), "message_id").values():
        try:
            user_id, campaign_id, sent_at = parse_int(row["user_id"]), parse_int(row["campaign_id"]), \
                parse_ts(row["sent_at"])
            clicked_at = parse_ts(row["clicked_at"])
        except ValueError:
            continue
        purpose = (row["purpose"] or "").lower()
        if campaign_id is None or user_id not in users or sent_at is None or not row["message_channel"]:
            continue
        if clicked_at is not None and clicked_at < sent_at:
            continue
        if purpose not in {"recall_1", "recall_2", "recall_3", "promotion"}:
            continue
        key = (campaign_id, user_id)
        first_offer[key] = min(sent_at, first_offer.get(key, sent_at))
    claimed = {
        (coupon["campaign_id"], coupon["user_id"]) for coupon in coupons.values()
        if (coupon["campaign_id"], coupon["user_id"]) in first_offer
        and coupon["issued_at"] >= first_offer[(coupon["campaign_id"], coupon["user_id"])]
    }
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for campaign_id, user_id in first_offer:
        out[campaign_id][0] += 1
        out[campaign_id][1] += (campaign_id, user_id) in claimed
    return {campaign_id: (offered, took) for campaign_id, (offered, took) in out.items()}


def test_claim_rate_per_campaign(connect, oracle) -> None:
    """The campaign claim rate (领券率) on every campaign row, from raw messages and coupons."""
    users = clean_users()
    offers = offers_per_campaign(users, oracle["coupons"])
    mart = {
        campaign_id: (offered, took, claim_rate)
        for campaign_id, offered, took, claim_rate in connect.execute(
            "select distinct campaign_id, campaign_users_offered, campaign_offered_users_claimed, campaign_claim_rate "
            "from marts.fct_coupon_performance where campaign_id is not null"
        ).fetchall()
    }
    expected = {
        campaign_id: (offers[campaign_id] + (rate(offers[campaign_id][1], offers[campaign_id][0]),)
                      if campaign_id in offers else (None, None, None))
        for campaign_id in mart
    }
    assert mart == expected
    # The sample's targeted campaigns (docs/sample_data.md): community 满99减15 and members' 满599减200.
    names = dict(connect.execute(
        "select campaign_id, campaign_type from marts.fct_coupon_performance where campaign_id is not null").fetchall())
    targeted = {names[c]: offers[c] for c in offers if names.get(c) in ("community_coupon", "member_coupon")}
    assert set(targeted) == {"community_coupon", "member_coupon"}
    offered, took = targeted["community_coupon"]
    assert 0.82 <= took / offered <= 0.95
