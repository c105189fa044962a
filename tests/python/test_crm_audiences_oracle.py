"""Independent oracle for the CRM profile and audiences (issue 14, item 4).

Recomputes, in plain Python from the raw CSV files in seeds/raw, the daily
counts of the recall-step audiences and of festival_due_to_return (users
selected, and the members of the SMS audiences after the reachability and
SMS-cap rules), and three profile columns of every user (preferred
category, festivals bought for, marketing SMS on the last day), and requires
fct_crm_audiences_daily and dim_user_profile to match exactly. Timestamps are
parsed here (UTC, or converted from an offset) and dated in Asia/Shanghai;
the rules are the ones written in the model YAML and var crm_audiences,
rebuilt here from the raw rows: node 1's first event after registration, the
step offsets, the festival days (Mother's Day and Children's Day by their
calendar rule, the lunar festivals from seeds/reference/calendar_events.csv),
the 14-day purchase window, the category repair and tie-break. Only *which*
raw rows are clean (the staging quarantine and deduplication, tested by
their own suite) is read from the warehouse: the ids of the clean users,
orders, order lines, events and messages.

Also: the vip_at_risk audience on the last day agrees with the tier and the
probability alive of the marts it reads, and no CRM mart holds a phone
number or a name of seeds/raw/users.csv in clear text.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
import yaml

from conftest import REPO, data_window

RAW = REPO / "seeds" / "raw"
CALENDAR_EVENTS = REPO / "seeds" / "reference" / "calendar_events.csv"
SHANGHAI_OFFSET = dt.timedelta(hours=8)
CRM_MARTS = ("marts.dim_user_profile", "marts.fct_crm_audience_members", "marts.fct_crm_audiences_daily")
CATEGORY_REPAIRS = {"礼盒": "gift_box", "美妆": "beauty", "家居": "home", "零食": "snacks"}
CATEGORIES = {"gift_box", "beauty", "home", "snacks"}
CHANNEL_REPAIRS = {"app_push": "push", "apppush": "push", "wechat_work": "wecom", "qiwei": "wecom",
                   "企业微信": "wecom", "call": "phone", "outbound_call": "phone"}
MARKETING_PURPOSES = {"recall_1", "recall_2", "recall_3", "promotion"}
_ZONE = re.compile(r"\s*(Z|[+-]\d{2}(:?\d{2})?)$", re.IGNORECASE)


@pytest.fixture(scope="module")
def project_vars() -> dict:
    return yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def parse(value: str | None) -> dt.datetime | None:
    """A raw timestamp as naive UTC: without a zone it is UTC (the raw contract), with 'Z' or an offset it is
    converted; None when empty."""
    text = (value or "").strip()
    if not text:
        return None
    zone = _ZONE.search(text)
    if zone and ":" in text[: zone.start()]:
        designator = zone.group(1).upper()
        offset = "+00:00" if designator == "Z" else designator
        if len(offset) == 3:
            offset += ":00"
        elif ":" not in offset:
            offset = offset[:3] + ":" + offset[3:]
        moment = dt.datetime.fromisoformat(text[: zone.start()].replace("T", " ") + offset)
        return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime.fromisoformat(text.replace("T", " "))


def shanghai_day(moment: dt.datetime) -> dt.date:
    return (moment + SHANGHAI_OFFSET).date()


def normalised(value: str | None) -> str:
    return (value or "").strip().lower()


def latest_rows(entity: str, key: str, clean: set[int]) -> dict[int, dict[str, str]]:
    """The raw rows of ``entity`` whose key is clean, one per key: the latest loaded_at."""
    rows: dict[int, dict[str, str]] = {}
    with open(RAW / f"{entity}.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                row_id = int(row[key])
            except (TypeError, ValueError):
                continue
            if row_id in clean and (row_id not in rows or row["loaded_at"] > rows[row_id]["loaded_at"]):
                rows[row_id] = row
    return rows


def clean_ids(con, relation: str, column: str) -> set[int]:
    return {row[0] for row in con.execute(f"select {column} from {relation}").fetchall()}


@pytest.fixture(scope="module")
def raw(warehouse):
    """The clean raw rows of users, orders, order lines, events and messages."""
    import duckdb

    for entity in ("users", "orders", "order_items", "events", "messages"):
        if not (RAW / f"{entity}.csv").exists():
            pytest.skip(f"seeds/raw/{entity}.csv is absent")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            "users": latest_rows("users", "user_id", clean_ids(con, "staging.stg_shop__users", "user_id")),
            "orders": latest_rows("orders", "order_id", clean_ids(con, "staging.stg_shop__orders", "order_id")),
            "order_items": latest_rows("order_items", "order_item_id",
                                       clean_ids(con, "staging.stg_shop__order_items", "order_item_id")),
            "events": latest_rows("events", "event_id", clean_ids(con, "staging.stg_tracking__events", "event_id")),
            "messages": latest_rows("messages", "message_id",
                                    clean_ids(con, "staging.stg_crm__messages", "message_id")),
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def window(warehouse) -> tuple[dt.date, dt.date]:
    return data_window(warehouse)


def paid_days(raw) -> dict[int, list[dt.date]]:
    """Asia/Shanghai paid days of each user's clean paid orders."""
    days: dict[int, list[dt.date]] = defaultdict(list)
    for row in raw["orders"].values():
        paid_at = parse(row["paid_at"])
        if paid_at is not None:
            days[int(row["user_id"])].append(shanghai_day(paid_at))
    return days


def marketing_sms(raw) -> Counter:
    """Marketing SMS per (user, Asia/Shanghai day): channel sms, purpose a recall step or promotion."""
    counts: Counter = Counter()
    for row in raw["messages"].values():
        channel = normalised(row["message_channel"])
        channel = CHANNEL_REPAIRS.get(channel, channel)
        if channel == "sms" and normalised(row["purpose"]) in MARKETING_PURPOSES:
            counts[(int(row["user_id"]), shanghai_day(parse(row["sent_at"])))] += 1
    return counts


def has_phone(row: dict[str, str]) -> bool:
    return bool(re.sub(r"\D", "", row.get("phone") or ""))


def festival_days(festivals: list[str], first_year: int, last_year: int) -> dict[tuple[str, int], dt.date]:
    """(festival, year) -> the festival's day: Mother's Day is the second Sunday of May and Children's Day
    June 1 (dim_date's rules); the others are the first day the reference calendar lists in the year."""
    days: dict[tuple[str, int], dt.date] = {}
    for year in range(first_year, last_year + 1):
        if "mothers_day" in festivals:
            may_first = dt.date(year, 5, 1)
            first_sunday = may_first + dt.timedelta(days=(6 - may_first.weekday()) % 7)
            days[("mothers_day", year)] = first_sunday + dt.timedelta(days=7)
        if "childrens_day" in festivals:
            days[("childrens_day", year)] = dt.date(year, 6, 1)
    with open(CALENDAR_EVENTS, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name, day = row["event_name"], dt.date.fromisoformat(row["event_date"])
            ruled = name in ("mothers_day", "childrens_day")
            if name in festivals and not ruled and first_year <= day.year <= last_year:
                key = (name, day.year)
                days[key] = min(days.get(key, day), day)
    return days


def festival_purchases(raw, festivals, window_days, first_year, last_year) -> dict[tuple[int, str, dt.date], dt.date]:
    """(user, festival, festival day) -> first paid day of an order paid in [day - window_days, day]."""
    calendar = festival_days(festivals, first_year, last_year)
    first_paid: dict[tuple[int, str, dt.date], dt.date] = {}
    for user_id, days in paid_days(raw).items():
        for day in days:
            for (name, _year), festival_day in calendar.items():
                if festival_day - dt.timedelta(days=window_days) <= day <= festival_day:
                    key = (user_id, name, festival_day)
                    first_paid[key] = min(first_paid.get(key, day), day)
    return first_paid


def audiences(project_vars: dict, rule: str) -> list[dict]:
    return [audience for audience in project_vars["crm_audiences"] if audience["rule"] == rule]


def mart_counts(connect, names: list[str]) -> dict[tuple[dt.date, str], tuple[int, int]]:
    if not names:
        return {}
    quoted = ", ".join(f"'{name}'" for name in names)
    rows = connect.execute(
        "select date_day, audience_name, eligible_users, member_count from marts.fct_crm_audiences_daily "
        f"where audience_name in ({quoted})"
    ).fetchall()
    return {(day, name): (int(eligible), int(members)) for day, name, eligible, members in rows}


def expected_counts(selected: dict[tuple[dt.date, str], set[int]], channel_of: dict[str, str], raw, sms_cap: int,
                    window: tuple[dt.date, dt.date], names: list[str]) -> dict[tuple[dt.date, str], tuple[int, int]]:
    """(day, audience) -> (users selected, members) for every day of the window; members are only recomputed
    for SMS audiences (a phone on record, below the cap that day), else reported as None."""
    sms = marketing_sms(raw)
    first, last = window
    out = {}
    day = first
    while day <= last:
        for name in names:
            users = selected.get((day, name), set())
            if channel_of[name] == "sms":
                members = sum(1 for user in users
                              if has_phone(raw["users"][user]) and sms[(user, day)] < sms_cap)
            else:
                members = None
            out[(day, name)] = (len(users), members)
        day += dt.timedelta(days=1)
    return out


def assert_counts_match(mart, expected) -> None:
    assert set(mart) == set(expected), "fct_crm_audiences_daily is not zero-filled over the window x audiences"
    eligible_gaps = {key: (mart[key][0], value[0]) for key, value in expected.items() if mart[key][0] != value[0]}
    assert not eligible_gaps, f"users selected differ (mart, oracle): {sorted(eligible_gaps.items())[:10]}"
    member_gaps = {key: (mart[key][1], value[1]) for key, value in expected.items()
                   if value[1] is not None and mart[key][1] != value[1]}
    assert not member_gaps, f"members differ (mart, oracle): {sorted(member_gaps.items())[:10]}"


def test_recall_step_audiences_match_raw(connect, raw, window, project_vars):
    """Users at churn node 1 (no event strictly after registration, or the first one after the step's instant)
    on the Asia/Shanghai day of registration + the step's offset (days of 24 hours), the instant inside the data."""
    recall = audiences(project_vars, "recall_step")
    if not recall:
        pytest.skip("var crm_audiences defines no recall_step audience")
    offsets = [int(days) for days in project_vars["churn_recall_step_offset_days"]]
    _first_day, last_day = window
    data_end_at = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time()) - SHANGHAI_OFFSET
    registered = {user_id: parse(row["registered_at"]) for user_id, row in raw["users"].items()}
    first_return: dict[int, dt.datetime] = {}
    for row in raw["events"].values():
        user_id, event_at = int(row["user_id"]), parse(row["event_at"])
        if user_id in registered and event_at > registered[user_id]:
            first_return[user_id] = min(first_return.get(user_id, event_at), event_at)

    selected: dict[tuple[dt.date, str], set[int]] = defaultdict(set)
    for audience in recall:
        offset = dt.timedelta(days=offsets[int(audience["parameters"]["recall_step"]) - 1])
        for user_id, registered_at in registered.items():
            step_at = registered_at + offset
            came_back = first_return.get(user_id)
            if step_at < data_end_at and (came_back is None or came_back > step_at):
                selected[(shanghai_day(step_at), audience["name"])].add(user_id)

    names = [audience["name"] for audience in recall]
    channels = {audience["name"]: audience["action_channel"] for audience in recall}
    expected = expected_counts(selected, channels, raw, int(project_vars["churn_max_marketing_sms_per_user_day"]),
                               window, names)
    assert_counts_match(mart_counts(connect, names), expected)
    assert sum(value[0] for value in expected.values()) > 0 or not raw["users"]


def test_festival_due_to_return_matches_raw(connect, raw, window, project_vars):
    """Bought for a festival last year (paid within the window before its day), this year's day 1..lead_days
    ahead, nothing bought for it yet this year; SMS members: a phone on record and below the cap."""
    due = audiences(project_vars, "festival_due_to_return")
    if not due:
        pytest.skip("var crm_audiences defines no festival_due_to_return audience")
    festivals = list(project_vars["crm_festivals"])
    window_days = int(project_vars["crm_festival_purchase_window_days"])
    first_day, last_day = window
    first_year, last_year = first_day.year - 1, last_day.year + 1
    calendar = festival_days(festivals, first_year, last_year)
    bought = festival_purchases(raw, festivals, window_days, first_year, last_year)
    buyers: dict[tuple[str, dt.date], set[int]] = defaultdict(set)
    for user_id, name, festival_day in bought:
        buyers[(name, festival_day)].add(user_id)

    selected: dict[tuple[dt.date, str], set[int]] = defaultdict(set)
    for audience in due:
        lead = int(audience["parameters"]["lead_days"])
        for (name, year), festival_day in calendar.items():
            previous = calendar.get((name, year - 1))
            if previous is None:
                continue
            for user_id in buyers[(name, previous)]:
                this_year = bought.get((user_id, name, festival_day))
                for ahead in range(1, lead + 1):
                    day = festival_day - dt.timedelta(days=ahead)
                    if first_day <= day <= last_day and (this_year is None or this_year > day):
                        selected[(day, audience["name"])].add(user_id)

    names = [audience["name"] for audience in due]
    channels = {audience["name"]: audience["action_channel"] for audience in due}
    expected = expected_counts(selected, channels, raw, int(project_vars["churn_max_marketing_sms_per_user_day"]),
                               window, names)
    assert_counts_match(mart_counts(connect, names), expected)


def test_profile_columns_match_raw(connect, raw, window, project_vars):
    """Preferred category, festivals bought for and marketing SMS on the last day, for every user."""
    first_day, last_day = window
    paid_orders = {order_id: int(row["user_id"]) for order_id, row in raw["orders"].items()
                   if parse(row["paid_at"]) is not None and shanghai_day(parse(row["paid_at"])) <= last_day}
    totals: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(lambda: [Decimal("0"), 0]))
    for row in raw["order_items"].values():
        user_id = paid_orders.get(int(row["order_id"]))
        category = normalised(row["category"])
        category = CATEGORY_REPAIRS.get(category, category)
        if user_id is None or category not in CATEGORIES:
            continue
        quantity = int(Decimal(row["quantity"].strip()))
        totals[user_id][category][0] += Decimal(row["unit_price"].strip()) * quantity
        totals[user_id][category][1] += quantity
    preferred = {
        user_id: sorted(by_category.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))[0][0]
        for user_id, by_category in totals.items()
    }

    festivals = list(project_vars["crm_festivals"])
    bought = festival_purchases(raw, festivals, int(project_vars["crm_festival_purchase_window_days"]),
                                first_day.year - 1, last_day.year + 1)
    festival_names: dict[int, set[str]] = defaultdict(set)
    for user_id, name, _day in bought:
        festival_names[user_id].add(name)
    sms = marketing_sms(raw)

    rows = connect.execute(
        "select user_id, as_of_date, preferred_category, festivals_bought_for, marketing_sms_sent_on_as_of_date, "
        "is_at_marketing_sms_cap from marts.dim_user_profile"
    ).fetchall()
    assert {row[0] for row in rows} == set(raw["users"]), "dim_user_profile is not one row per clean user"
    cap = int(project_vars["churn_max_marketing_sms_per_user_day"])
    for user_id, as_of_date, category, names, sent, at_cap in rows:
        assert as_of_date == last_day
        assert category == preferred.get(user_id), f"user {user_id}: preferred category"
        expected_names = ",".join(sorted(festival_names[user_id])) or None
        assert names == expected_names, f"user {user_id}: festivals bought for"
        assert sent == sms[(user_id, last_day)], f"user {user_id}: marketing SMS on the last day"
        assert at_cap == (sms[(user_id, last_day)] >= cap)
    assert any(names for _u, _d, _c, names, _s, _a in rows) == bool(festival_names)


def test_vip_at_risk_on_the_last_day_agrees_with_clv_and_tiers(connect, window, project_vars):
    """On the last day (the CLV's as-of day, unless var member_as_of_date moves it), vip_at_risk selects
    exactly the users of its tiers whose probability alive (fct_customer_clv) is below the threshold or whose
    last paid day is at least min_days old, each condition named in match_detail."""
    if project_vars.get("member_as_of_date"):
        pytest.skip("var member_as_of_date moves the CLV's as-of day off the data's last day")
    _first_day, last_day = window
    for audience in audiences(project_vars, "vip_at_risk"):
        parameters = audience["parameters"]
        threshold = float(parameters["max_probability_alive"])
        min_days = int(parameters["min_days_since_paid_order"])
        tiers = ", ".join(f"'{tier}'" for tier in parameters["tiers"])
        customers = connect.execute(
            f"""
            select clv.user_id, clv.probability_alive, clv.last_purchase_date
            from marts.fct_customer_clv as clv
            inner join marts.dim_member_tier_history as tiers
                on clv.user_id = tiers.user_id
                and tiers.valid_from_date <= date '{last_day}' and tiers.valid_to_date > date '{last_day}'
            where tiers.tier in ({tiers})
            """
        ).fetchall()
        expected: dict[int, set[str]] = {}
        for user_id, probability, last_purchase in customers:
            if abs(float(probability) - threshold) < 1e-6:
                continue  # the mart's probability is rounded to 6 decimals: too close to call
            reasons = set()
            if float(probability) < threshold:
                reasons.add("low_probability_alive")
            if (last_day - last_purchase).days >= min_days:
                reasons.add("long_since_paid_order")
            if reasons:
                expected[user_id] = reasons
        got = {
            user_id: set(detail.split(","))
            for user_id, detail in connect.execute(
                "select user_id, match_detail from intermediate.int_crm_audience_candidates "
                f"where audience_name = '{audience['name']}' and date_day = date '{last_day}'"
            ).fetchall()
        }
        close = {user_id for user_id, probability, _ in customers if abs(float(probability) - threshold) < 1e-6}
        assert {u: r for u, r in got.items() if u not in close} == expected


def _fragments(text: str) -> set[str]:
    """Every substring of 2 to 4 characters, and every run of 11 or more digits."""
    pieces = {text[start:start + size] for size in (2, 3, 4) for start in range(len(text) - size + 1)}
    return pieces | set(re.findall(r"\d{11,}", text)) | {text}


def test_no_crm_mart_holds_clear_personal_data(connect):
    """No value of a CRM mart is, or contains, a phone number or a full name of seeds/raw/users.csv, and no
    column is named after personal data (not even a hash)."""
    phones, names = set(), set()
    with open(RAW / "users.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            digits = re.sub(r"\D", "", row.get("phone") or "")
            if len(digits) >= 7:
                phones.update({digits, digits[-11:]})
            if (row.get("full_name") or "").strip():
                names.add(row["full_name"].strip())
    assert phones and names, "seeds/raw/users.csv has no phone numbers or names to look for"
    for relation in CRM_MARTS:
        columns = [row[0] for row in connect.execute(f"describe {relation}").fetchall()]
        personal = [column for column in columns if re.search(r"phone|full_name|_hash|birth", column)]
        assert not personal, f"{relation} has personal-data columns {personal}"
        casts = ", ".join(f"cast({column} as varchar)" for column in columns)
        leaks = set()
        for values in connect.execute(f"select {casts} from {relation}").fetchall():
            for value in values:
                if value is not None:
                    pieces = _fragments(value)
                    leaks |= (pieces & phones) | (pieces & names)
        assert not leaks, f"{relation} holds {len(leaks)} phone numbers or names in clear text"
