"""The bad-input suite: what a user sees when a raw export is broken.

One defect class per folder of tests/fixtures/bad_input/ (its README lists
them). A case.yml says which rows of which raw file are broken and how, how
the export is written (CSV dialect, time zone), the vars and environment of
the build, and the exact outcome the user must see, never silence:

- quarantined: the build passes; the broken row is in stg_quarantine__rows
  with the stated rule (and, for a parent, its children are
  parent_quarantined); it is not staged;
- repaired: the build passes; the row is staged with the stated values
  (literal, or the sample's own value for the same key);
- build_stops: dbt fails with a message naming the file or model, the
  column or var and the rule; nothing downstream is built;
- warning: the build passes and the named volume test warns, flagging the
  broken day (and only it);
- builds_with_notice: the build passes and prints the stated message once.

Builds. dbt's start-up (parsing this project) costs far more than staging a
small export, so cases share builds where they cannot interfere:

- every case with ``build: combined`` is applied to ONE copy of the
  committed sample's raw files, each on its own rows (picked from the
  warehouse built from the sample: distinct clean paid orders, users, events,
  campaigns; see ``POOLS``), and built once;
- cases with ``build: <name>`` share that build; ``build: own`` builds alone
  (its own vars, a stop). Those builds read a small export (``export:
  small``): every SMALL_EVERY-th user of the sample with all of their rows.

Builds run two at a time (``BadInputBuilds``) and start as soon as the first
test that needs one asks; only the builds of the selected tests run. Every
build that passes is checked against the raw files written here: raw rows =
staged + quarantined + removed duplicates per entity (counted in Python from
the rows written, by the contract's dedupe rule), equal to
int_raw_rows_reconciled, and the quarantine is exactly the sample's (for the
export's rows) plus what the cases state, their children, and nothing else.
"""

from __future__ import annotations

import collections
import concurrent.futures
import csv
import dataclasses
import datetime as dt
import io
import json
import os
import pathlib
import re
import shutil
import threading
import time
from decimal import Decimal
from typing import Any, Iterable

import duckdb
import pandas as pd
import pytest
import yaml

from conftest import REPO, run_dbt

pytestmark = pytest.mark.slow

SEEDS = REPO / "seeds" / "raw"
CASES_DIR = REPO / "tests" / "fixtures" / "bad_input"
CASES = sorted(path.name for path in CASES_DIR.iterdir() if (path / "case.yml").exists())
SHANGHAI = pd.Timedelta(hours=8)
# The salt of every build here: distinctive, so that test_export_privacy.py
# can show it is written nowhere (no artifact, log or output).
SALT = "bad-input-salt-5be1c0d2f7a94e63"
DEFAULT_SELECT = "+stg_quarantine__rows +int_raw_rows_reconciled"
# The combined build also builds fct_orders (zero_amount asserts it).
COMBINED_SELECT = DEFAULT_SELECT + " +fct_orders"
# The small export: every SMALL_EVERY-th user of the sample, with all of their rows.
SMALL_EVERY = 20
BUILD_WORKERS = int(os.environ.get("ECOMOPS_TEST_BUILD_WORKERS", "2"))
RAW_TIMESTAMP = "%Y-%m-%d %H:%M:%S"

# entity -> (source, natural key columns of rank_versions)
ENTITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "users": ("shop", ("user_id",)),
    "orders": ("shop", ("order_id",)),
    "order_items": ("shop", ("order_item_id",)),
    "events": ("tracking", ("event_id",)),
    "shipments": ("logistics", ("shipment_id",)),
    "returns": ("logistics", ("return_id",)),
    "campaigns": ("marketing", ("campaign_id",)),
    "channel_spend": ("marketing", ("spend_date", "channel", "campaign_id")),
    "coupons": ("marketing", ("coupon_id",)),
    "points_ledger": ("crm", ("entry_id",)),
    "member_tiers": ("crm", ("tier_change_id",)),
    "messages": ("crm", ("message_id",)),
    "experiments": ("growth", ("assignment_id",)),
}
# child entity -> (parent entity, the child's column holding the parent's key)
PARENTS = {
    "orders": ("users", "user_id"),
    "events": ("users", "user_id"),
    "coupons": ("users", "user_id"),
    "points_ledger": ("users", "user_id"),
    "member_tiers": ("users", "user_id"),
    "messages": ("users", "user_id"),
    "experiments": ("users", "user_id"),
    "order_items": ("orders", "order_id"),
    "shipments": ("orders", "order_id"),
    "returns": ("orders", "order_id"),
}
# Models a case can assert a row of: (schema, key column, entity of the key).
MODEL_KEYS = {
    "stg_shop__users": ("staging", "user_id", "users"),
    "stg_shop__orders": ("staging", "order_id", "orders"),
    "stg_tracking__events": ("staging", "event_id", "events"),
    "stg_marketing__campaigns": ("staging", "campaign_id", "campaigns"),
    "fct_orders": ("marts", "order_id", "orders"),
}


def base_model(entity: str) -> str:
    return f"base_{ENTITIES[entity][0]}__{entity}"


def stg_model(entity: str) -> str:
    return f"stg_{ENTITIES[entity][0]}__{entity}"


def load_case(name: str) -> dict[str, Any]:
    case = yaml.safe_load((CASES_DIR / name / "case.yml").read_text(encoding="utf-8"))
    case["name"] = name
    case.setdefault("build", "own")
    if case["build"] == "combined":
        case.setdefault("export", "sample")
    case.setdefault("export", "small")
    case.setdefault("targets", {})
    case.setdefault("defects", [])
    case.setdefault("vars", {})
    case.setdefault("env", {})
    case.setdefault("writer", {})
    return case


def group_of(case: dict[str, Any]) -> str:
    return case["name"] if case["build"] == "own" else case["build"]


def all_cases() -> dict[str, dict[str, Any]]:
    return {name: load_case(name) for name in CASES}


def groups() -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for case in all_cases().values():
        out[group_of(case)].append(case)
    return dict(out)


def passing_groups() -> list[str]:
    return sorted(
        name for name, cases in groups().items()
        if all(case["expect"]["outcome"] != "build_stops" for case in cases)
    )


def groups_for_item(item: pytest.Item) -> list[str]:
    """The builds a collected test needs (conftest's bad_input_builds starts them)."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    if "name" in params:
        return [group_of(load_case(params["name"]))]
    if "group" in params:
        return [params["group"]]
    return ["combined"]


def _project_vars() -> dict[str, Any]:
    return yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


# --------------------------------------------------------------------------- raw text


def typed_keys(text: pd.Series) -> pd.Series:
    """typed_key of every value of a column (vectorised)."""
    stripped = text.astype(object).where(text.notna(), "").astype(str).str.strip()
    is_integer = stripped.str.fullmatch(r"[+-]?[0-9]+").fillna(False).astype(bool)
    out = pd.Series(None, index=text.index, dtype=object)
    out[is_integer] = stripped[is_integer].astype("int64").astype(str).astype(object)
    return out


def parse_raw_timestamps(text: pd.Series, zone_hours: int = 0) -> pd.Series:
    """parse_raw_timestamp of every value of a column (vectorised): naive
    values are in the zone `zone_hours` ahead of UTC, others carry their offset."""
    values = text.astype(object).where(text.notna(), "").astype(str).str.strip()
    has_offset = values.str.contains(r"(?:Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)$", regex=True).fillna(False).astype(bool)
    parsed = pd.to_datetime(values.where(values != ""), format="ISO8601", errors="coerce", utc=True)
    parsed = parsed.dt.tz_convert(None)
    return parsed.where(has_offset, parsed - pd.Timedelta(hours=zone_hours))


def shanghai_day(text: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(text.where(text != ""), errors="coerce", format=RAW_TIMESTAMP)
    return (stamps + SHANGHAI).dt.date


# --------------------------------------------------------------------------- export


@dataclasses.dataclass
class InsertedLine:
    after_index: int  # the frame row it follows
    data: bytes
    line_id: str


@dataclasses.dataclass
class Export:
    """A raw export being prepared: one all-text frame per entity present."""

    frames: dict[str, pd.DataFrame]
    header_only: set[str] = dataclasses.field(default_factory=set)
    inserted: dict[str, list[InsertedLine]] = dataclasses.field(default_factory=lambda: collections.defaultdict(list))
    other_files: dict[str, bytes] = dataclasses.field(default_factory=dict)
    removed_keys: dict[str, set[str]] = dataclasses.field(default_factory=lambda: collections.defaultdict(set))
    line_numbers: dict[str, int] = dataclasses.field(default_factory=dict)

    def write(self, folder: pathlib.Path, writer: dict[str, Any]) -> None:
        folder.mkdir(parents=True)
        for entity, frame in self.frames.items():
            rows = [] if entity in self.header_only else frame.astype(object).to_numpy().tolist()
            lines = _encode_rows([list(frame.columns)], {**writer, "style": None}) + _encode_rows(rows, writer)
            for extra in sorted(self.inserted.get(entity, []), key=lambda line: -line.after_index):
                lines.insert(extra.after_index + 2, extra.data)
            body = b"".join(line + b"\n" for line in lines)
            for extra in self.inserted.get(entity, []):
                # The line's number in the file as written, the header being line 1.
                start = body.index(b"\n" + extra.data + b"\n") + 1
                self.line_numbers[extra.line_id] = body[:start].count(b"\n") + 1
            (folder / f"{entity}.csv").write_bytes(body)
        for name, data in self.other_files.items():
            (folder / name).write_bytes(data)


def _encode_rows(rows: list[list[str]], writer: dict[str, Any]) -> list[bytes]:
    """Each row as one line of the export's dialect (no line terminator)."""
    delimiter = writer.get("delimiter", ",")
    if writer.get("style") == "mysql":
        # SELECT ... INTO OUTFILE ... FIELDS ENCLOSED BY '"' ESCAPED BY '\\': nulls \N.
        return [
            delimiter.join(
                "\\N" if value == "" else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
                for value in row
            ).encode("utf-8")
            for row in rows
        ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    lines = buffer.getvalue().split("\n")[:-1]
    assert len(lines) == len(rows), "raw values with line breaks are not supported here"
    return [line.encode("utf-8") for line in lines]


def read_sample() -> dict[str, pd.DataFrame]:
    return {
        entity: pd.read_csv(SEEDS / f"{entity}.csv", dtype=str, keep_default_na=False)
        for entity in ENTITIES
    }


def small_export(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every SMALL_EVERY-th user with all of their rows (rows with a key
    are kept; campaigns and channel spend whole)."""
    out = {}
    users = frames["users"]
    user_keys = users["user_id"].pipe(typed_keys)
    keep_users = user_keys.notna() & user_keys.fillna("0").astype(int).mod(SMALL_EVERY).eq(0)
    out["users"] = users[keep_users]
    user_ids = set(user_keys[keep_users])
    for entity, (parent, column) in PARENTS.items():
        if parent == "users":
            frame = frames[entity]
            keys = frame[ENTITIES[entity][1][0]].pipe(typed_keys)
            out[entity] = frame[frame[column].pipe(typed_keys).isin(user_ids) & keys.notna()]
    order_ids = set(out["orders"]["order_id"].pipe(typed_keys))
    for entity, (parent, column) in PARENTS.items():
        if parent == "orders":
            frame = frames[entity]
            keys = frame[ENTITIES[entity][1][0]].pipe(typed_keys)
            out[entity] = frame[frame[column].pipe(typed_keys).isin(order_ids) & keys.notna()]
    out["campaigns"] = frames["campaigns"]
    out["channel_spend"] = frames["channel_spend"]
    return {entity: frame.reset_index(drop=True).copy() for entity, frame in out.items()}


def shift_naive_timestamps(frames: dict[str, pd.DataFrame], hours: int) -> None:
    """Every <event>_at value written as local time `hours` ahead of UTC, without an offset."""
    for frame in frames.values():
        for column in [name for name in frame.columns if name.endswith("_at")]:
            stamps = pd.to_datetime(frame[column].where(frame[column] != ""), errors="coerce", format=RAW_TIMESTAMP)
            shifted = (stamps + pd.Timedelta(hours=hours)).dt.strftime(RAW_TIMESTAMP)
            frame[column] = shifted.where(stamps.notna(), frame[column])


# --------------------------------------------------------------------------- targets


@dataclasses.dataclass
class Sample:
    """What the warehouse built from the sample says about it."""

    path: pathlib.Path
    quarantine: collections.Counter
    ordinary_order_day: dt.date
    ordinary_event_day: dt.date
    pii_masked_values: dict[str, int]

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.path), read_only=True)


def _ordinary_day(con: duckdb.DuckDBPyConnection, relation: str, column: str) -> dt.date:
    """The first day, past the first 120 days, whose count is at least the mean
    of the trailing window before it, that mean at least 1.5 times the volume
    test's baseline floor: a day the volume test judges, on which a spike or
    a gap is unmistakable. Computed here in Python, not with the test's SQL."""
    variables = _project_vars()
    window, floor = int(variables["volume_trailing_days"]), float(variables["volume_min_baseline"])
    counts = dict(con.execute(f"select {column}, count(*) from {relation} group by {column}").fetchall())
    first, last = min(counts), max(counts)
    days = [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]
    series = [counts.get(day, 0) for day in days]
    for index in range(120, len(days) - 30):
        trailing = series[index - window:index]
        mean = sum(trailing) / len(trailing)
        if mean >= 1.5 * floor and series[index] >= mean:
            return days[index]
    raise AssertionError(f"no ordinary day in {relation}")


def read_sample_facts(path: pathlib.Path) -> Sample:
    con = duckdb.connect(str(path), read_only=True)
    try:
        quarantine = collections.Counter(
            con.execute("select entity, natural_key, rule from staging.stg_quarantine__rows").fetchall()
        )
        masked = {
            entity: int(con.execute(f"select coalesce(sum(pii_masked_values), 0) from staging.{base_model(entity)}")
                        .fetchone()[0])
            for entity in ("users", "campaigns")
        }
        return Sample(
            path=path,
            quarantine=quarantine,
            ordinary_order_day=_ordinary_day(con, "staging.stg_shop__orders", "placed_date"),
            ordinary_event_day=_ordinary_day(con, "staging.stg_tracking__events", "event_date"),
            pii_masked_values=masked,
        )
    finally:
        con.close()


# Candidate rows per pool, best first: SQL over the sample's staging models.
# Every candidate is staged, the only raw row of its key, and owned by a
# staged user; the day and user predicates keep cases apart (see allocate).
_SINGLE = "select {key} from staging.{base} group by {key} having count(*) = 1"
_CLEAN_USER = f"""
    select users.user_id
    from staging.stg_shop__users as users
    where users.user_id in ({_SINGLE.format(key='user_id', base='base_shop__users')})
        and users.user_id not in (select user_id from staging.stg_shop__orders where placed_date = $order_day)
        and users.user_id not in (
            select user_id from staging.base_tracking__events where event_date = $event_day and user_id is not null
        )
"""
_CLEAN_ORDER = f"""
    select orders.order_id, orders.user_id
    from staging.stg_shop__orders as orders
    where orders.order_id in ({_SINGLE.format(key='order_id', base='base_shop__orders')})
        and orders.is_paid
        and orders.cancelled_at is null
        and orders.placed_date <> $order_day
        and orders.order_id not in (select order_id from staging.base_logistics__returns where order_id is not null)
"""
POOLS: dict[str, tuple[str, str]] = {
    # pool -> (entity, SQL returning key [, user_id])
    "clean_user": ("users", _CLEAN_USER + " order by users.user_id"),
    "clean_user_plain": ("users", _CLEAN_USER + """
        and users.acquisition_campaign_id is null and users.referrer_user_id is null
        order by users.user_id"""),
    "user_with_orders": ("users", _CLEAN_USER + """
        and users.user_id in (select user_id from staging.stg_shop__orders)
        order by users.user_id"""),
    "clean_paid_order": ("orders", _CLEAN_ORDER + " order by orders.order_id"),
    "clean_paid_order_plain": ("orders", _CLEAN_ORDER + """
        and orders.discount_amount_cny = 0 and orders.coupon_amount_cny = 0 and orders.shipping_fee_cny = 0
        and orders.campaign_id is null and orders.coupon_id is null
        order by orders.order_id"""),
    # Placed 08:00-16:00 UTC: the Asia/Shanghai day moves if the offset is lost.
    "clean_paid_order_day_sensitive": ("orders", _CLEAN_ORDER + """
        and extract(hour from orders.placed_at) between 8 and 15
        order by orders.order_id"""),
    "clean_event": ("events", f"""
        select events.event_id, events.user_id
        from staging.stg_tracking__events as events
        where events.event_id in ({_SINGLE.format(key='event_id', base='base_tracking__events')})
            and events.event_date <> $event_day
        order by events.event_id"""),
    "clean_campaign": ("campaigns", f"""
        select campaign_id from staging.stg_marketing__campaigns
        where campaign_id in ({_SINGLE.format(key='campaign_id', base='base_marketing__campaigns')})
        order by campaign_id"""),
}
# Users first: order and event targets must not belong to a target user.
POOL_ORDER = ["users", "campaigns", "orders", "events"]
POOLS_ENTITIES = set(POOL_ORDER)


def allocate_targets(cases: list[dict[str, Any]], sample: Sample, frames: dict[str, pd.DataFrame]
                     ) -> dict[tuple[str, str], str]:
    """(case, target name) -> key: distinct rows for every case of a build."""
    requests = [(case["name"], name, pool) for case in cases for name, pool in sorted(case["targets"].items())]
    out: dict[tuple[str, str], str] = {}
    used: dict[str, set[str]] = collections.defaultdict(set)
    new_user_id = max(int(key) for key in frames["users"]["user_id"].pipe(typed_keys).dropna()) + 1
    present = {entity: set(frame[ENTITIES[entity][1][0]].pipe(typed_keys).dropna()) for entity, frame in frames.items()
               if entity in POOLS_ENTITIES}
    con = sample.connect()
    try:
        params = {"order_day": sample.ordinary_order_day, "event_day": sample.ordinary_event_day}
        candidates: dict[str, list[tuple]] = {}
        for pool, (entity, sql) in POOLS.items():
            wanted = {name for name in re.findall(r"\$(\w+)", sql)}
            candidates[pool] = con.execute(sql, {name: params[name] for name in wanted}).fetchall()
    finally:
        con.close()
    entity_rank = {entity: index for index, entity in enumerate(POOL_ORDER)}
    for case_name, name, pool in sorted(
        requests, key=lambda request: entity_rank.get(POOLS.get(request[2], ("users",))[0], -1)
    ):
        if pool == "new_user":
            out[(case_name, name)] = str(new_user_id)
            new_user_id += 1
            continue
        entity, _ = POOLS[pool]
        for candidate in candidates[pool]:
            key = str(candidate[0])
            owner = str(candidate[1]) if len(candidate) > 1 else None
            if key in used[entity] or key not in present[entity] or (owner is not None and owner in used["users"]):
                continue
            out[(case_name, name)] = key
            used[entity].add(key)
            break
        else:
            raise AssertionError(f"no row left in pool {pool} for case {case_name} (target {name})")
    return out


# --------------------------------------------------------------------------- defects


def _row_index(frame: pd.DataFrame, entity: str, key: str) -> int:
    rows = frame.index[frame[ENTITIES[entity][1][0]].pipe(typed_keys) == key]
    assert len(rows) == 1, f"{entity} {key} must be one raw row, found {len(rows)}"
    return int(rows[0])


def _format(text: str, context: dict[str, Any]) -> str:
    return text.format(**context) if isinstance(text, str) else text


def _rewrite_timestamp(text: str, style: str) -> str:
    value = dt.datetime.strptime(text, RAW_TIMESTAMP)
    if style == "offset_plus_8":
        return (value + dt.timedelta(hours=8)).strftime(RAW_TIMESTAMP) + "+08:00"
    if style == "iso_t_z":
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    raise ValueError(f"unknown timestamp style {style}")


def _bytes_with_escapes(text: str) -> bytes:
    """The line's bytes: UTF-8, with each <0xHH> written as that raw byte."""
    parts = re.split(r"<0x([0-9a-fA-F]{2})>", text)
    data = b""
    for index, part in enumerate(parts):
        data += bytes([int(part, 16)]) if index % 2 else part.encode("utf-8")
    return data


def apply_defect(export: Export, defect: dict[str, Any], context: dict[str, Any], sample: Sample,
                 staged_orders: set[str]) -> None:
    kind = defect["kind"]
    if kind == "replace_export":
        export.frames.clear()
        export.other_files.update({name: text.encode("utf-8") for name, text in defect["files"].items()})
        return
    entity = defect["file"]
    if kind == "remove_file":
        export.removed_keys[entity] |= set(export.frames.pop(entity)[ENTITIES[entity][1][0]].pipe(typed_keys).dropna())
        return
    frame = export.frames[entity]
    if kind == "header_only":
        export.header_only.add(entity)
        export.removed_keys[entity] |= set(frame[ENTITIES[entity][1][0]].pipe(typed_keys).dropna())
        return
    if kind == "drop_column":
        assert defect["column"] in frame.columns
        export.frames[entity] = frame.drop(columns=[defect["column"]])
        return
    if kind in {"drop_day", "multiply_day"}:
        day = getattr(sample, defect["day"])
        on_day = shanghai_day(frame[defect["timestamp_column"]]) == day
        assert on_day.sum() > 0
        key_column = ENTITIES[entity][1][0]
        if kind == "drop_day":
            export.removed_keys[entity] |= set(frame.loc[on_day, key_column].pipe(typed_keys).dropna())
            export.frames[entity] = frame[~on_day].reset_index(drop=True)
            return
        # Copies of the day's staged rows, with new keys.
        assert entity == "orders", "multiply_day copies staged orders"
        copied = frame[on_day & frame[key_column].pipe(typed_keys).isin(staged_orders)]
        next_id = max(int(key) for key in frame[key_column].pipe(typed_keys).dropna()) + 1
        copies = []
        for copy_number in range(defect["factor"] - 1):
            extra = copied.copy()
            extra[key_column] = [str(next_id + copy_number * len(copied) + offset) for offset in range(len(copied))]
            copies.append(extra)
        export.frames[entity] = pd.concat([frame, *copies], ignore_index=True)
        return
    if kind == "insert_line":
        after = _row_index(frame, entity, context[defect["after"]])
        export.inserted[entity].append(
            InsertedLine(after, _bytes_with_escapes(_format(defect["line"], context)), defect["id"])
        )
        return
    index = _row_index(frame, entity, context[defect["row"]])
    if kind == "set_value":
        frame.loc[index, defect["column"]] = _format(defect["value"], context)
    elif kind == "set_values":
        for column, value in defect["values"].items():
            frame.loc[index, column] = _format(value, context)
    elif kind == "rewrite_timestamps":
        for column in defect["columns"]:
            if frame.loc[index, column]:
                frame.loc[index, column] = _rewrite_timestamp(frame.loc[index, column], defect["style"])
    elif kind == "duplicate_row":
        twin = frame.loc[[index]].copy()
        for column, value in defect["values"].items():
            assert twin[column].iloc[0] != value
            twin[column] = _format(value, context)
        export.frames[entity] = pd.concat([frame, twin], ignore_index=True)
    else:
        raise ValueError(f"unknown defect kind {kind}")


# --------------------------------------------------------------------------- raw counts


def raw_counts(export: Export, zone_hours: int) -> dict[str, tuple[int, int]]:
    """entity -> (raw rows, removed duplicates), from the rows written, by the
    contract: per key, the rows with a usable loaded_at at the latest one are
    judged, one per distinct content; every other row with a usable
    loaded_at is a duplicate. Rows without a key or loaded_at, and unreadable
    lines, are judged."""
    null_strings = ["", "NULL", "\\N"]
    out = {}
    for entity in ENTITIES:
        frame = export.frames.get(entity)
        if frame is None:
            out[entity] = (0, 0)
            continue
        if entity in export.header_only:
            frame = frame.iloc[0:0]
        values = frame.astype(object).where(~frame.isin(null_strings), "")
        if entity == "channel_spend":
            channel = values["channel"].astype(str).str.strip().str.lower()
            keys = pd.DataFrame({
                "spend_date": values["spend_date"].where(values["spend_date"] != ""),
                "channel": channel.where(channel != ""),
                "campaign": values["campaign_id"].pipe(typed_keys).fillna(""),
            })
            key_missing = keys["spend_date"].isna() | keys["channel"].isna()
        else:
            keys = pd.DataFrame({column: values[column].pipe(typed_keys) for column in ENTITIES[entity][1]})
            key_missing = keys.isna().any(axis=1)
        loaded_at = parse_raw_timestamps(values["loaded_at"], zone_hours) if "loaded_at" in values else None
        usable = ~key_missing & loaded_at.notna()
        chosen = keys[usable].astype(str)
        joined = chosen.iloc[:, 0]
        for column in chosen.columns[1:]:
            joined = joined + "|" + chosen[column]
        judged = pd.DataFrame({"key": joined})
        judged["loaded_at"] = loaded_at[usable]
        judged["content"] = pd.util.hash_pandas_object(values[usable].astype(str), index=False)
        latest = judged.groupby("key")["loaded_at"].transform("max")
        versions_at_latest = judged[judged["loaded_at"] == latest].groupby("key")["content"].nunique().sum()
        duplicates = int(len(judged) - versions_at_latest)
        out[entity] = (len(frame) + len(export.inserted.get(entity, [])), duplicates)
    return out


# --------------------------------------------------------------------------- builds


@dataclasses.dataclass
class Build:
    group: str
    cases: list[dict[str, Any]]
    export: Export
    targets: dict[tuple[str, str], str]
    raw_rows: dict[str, tuple[int, int]]
    folder: pathlib.Path
    returncode: int = -1
    output: str = ""
    statuses: dict[str, str] = dataclasses.field(default_factory=dict)
    seconds: float = 0.0
    slot: pathlib.Path | None = None

    @property
    def raw_dir(self) -> pathlib.Path:
        return self.folder / "raw"

    @property
    def warehouse(self) -> pathlib.Path:
        return self.folder / "warehouse.duckdb"

    @property
    def target(self) -> pathlib.Path:
        return self.folder / "target"

    def key(self, case: dict[str, Any], name: str) -> str:
        return self.targets[(case["name"], name)]

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse), read_only=True)

    def raw_row(self, entity: str, key: str) -> dict[str, str]:
        """The row as the sample's raw file has it (before the defect)."""
        frame = read_sample_frames()[entity]
        return frame.iloc[_row_index(frame, entity, key)].to_dict()


_SAMPLE_FRAMES: dict[str, pd.DataFrame] = {}
_SAMPLE_LOCK = threading.Lock()


def read_sample_frames() -> dict[str, pd.DataFrame]:
    with _SAMPLE_LOCK:
        if not _SAMPLE_FRAMES:
            _SAMPLE_FRAMES.update(read_sample())
        return _SAMPLE_FRAMES


class BadInputBuilds:
    """Prepares the export of every build and runs the builds on request,
    BUILD_WORKERS at a time; each result is kept for every test that asks.

    dbt parses this project again whenever the --vars or the warehouse path
    change, and a full parse costs more than staging a small export. So each
    worker has a fixed folder (its slot): a build runs with its export moved
    to <slot>/raw and its warehouse at <slot>/warehouse.duckdb, and starts
    from the partial-parse file of the slot's previous build with the same
    vars. Builds with the default vars all go to the first worker (one full
    parse between them), builds with vars of their own to the others.
    """

    def __init__(self, warehouse: pathlib.Path, work: pathlib.Path) -> None:
        self.work = work
        self.sample = read_sample_facts(warehouse)
        self.groups = groups()
        self._slots = [work / "slots" / f"slot{index}" for index in range(BUILD_WORKERS)]
        for slot in self._slots:
            slot.mkdir(parents=True)
        self._parses: dict[pathlib.Path, dict[str, pathlib.Path]] = {slot: {} for slot in self._slots}
        self._workers = [concurrent.futures.ThreadPoolExecutor(max_workers=1) for _ in self._slots]
        self._futures: dict[str, concurrent.futures.Future] = {}
        self._lock = threading.Lock()

    def _has_own_vars(self, group: str) -> bool:
        first = self.groups[group][0]
        return bool(first["vars"]) or "raw_dir_var" in first

    def submit(self, names: Iterable[str]) -> None:
        """Start these builds, the combined one (the longest) first."""
        for name in sorted(set(names), key=lambda group: (group != "combined", group)):
            with self._lock:
                if name not in self._futures:
                    index = (1 if self._has_own_vars(name) else 0) % len(self._slots)
                    self._futures[name] = self._workers[index].submit(self._build, name, self._slots[index])

    def get(self, name: str) -> Build:
        self.submit([name])
        return self._futures[name].result()

    def close(self) -> None:
        for worker in self._workers:
            worker.shutdown(wait=True, cancel_futures=True)

    def _prepare(self, name: str) -> Build:
        cases = self.groups[name]
        settings = {json.dumps([case[field] for field in ("export", "writer", "vars", "env")], sort_keys=True)
                    for case in cases}
        assert len(settings) == 1, f"the cases of build {name} must share export, writer, vars and env"
        first = cases[0]
        sample_frames = read_sample_frames()
        frames = {entity: frame.copy() for entity, frame in sample_frames.items()}
        if first["export"] == "small":
            frames = small_export(frames)
        export = Export(frames=frames)
        targets = allocate_targets(cases, self.sample, frames)
        con = self.sample.connect()
        try:
            staged = con.execute("select order_id from staging.stg_shop__orders").fetchall()
            staged_orders = {str(key) for (key,) in staged}
        finally:
            con.close()
        # Day-level defects first (they copy or drop whole days), then row defects.
        ordered = sorted(
            [(case, defect) for case in cases for defect in case["defects"]],
            key=lambda item: item[1]["kind"] not in {"drop_day", "multiply_day", "replace_export"},
        )
        for case, defect in ordered:
            context = {name: key for (case_name, name), key in targets.items() if case_name == case["name"]}
            for target_name, key in list(context.items()):
                entity = POOLS.get(case["targets"][target_name], ("users",))[0]
                if case["targets"][target_name] != "new_user":
                    frame = sample_frames[entity]
                    context[f"row_{target_name}"] = frame.iloc[_row_index(frame, entity, key)].to_dict()
            apply_defect(export, defect, context, self.sample, staged_orders)
        writer = first["writer"]
        if writer.get("shift_naive_hours"):
            shift_naive_timestamps(export.frames, int(writer["shift_naive_hours"]))
        zone_hours = int(writer.get("shift_naive_hours", 0))
        folder = self.work / name
        build = Build(
            group=name, cases=cases, export=export, targets=targets, raw_rows=raw_counts(export, zone_hours),
            folder=folder,
        )
        export.write(build.raw_dir, writer)
        return build

    def _build(self, name: str, slot: pathlib.Path) -> Build:
        build = self._prepare(name)
        first = build.cases[0]
        variables = {first.get("raw_dir_var", "raw_dir"): str(slot / "raw"), **first["vars"]}
        key = json.dumps(variables, sort_keys=True)
        select = first.get("select", COMBINED_SELECT if name == "combined" else DEFAULT_SELECT)
        args = ["build", "--select", *select.split(), "--indirect-selection", "cautious",
                "--exclude-resource-type", "unit_test"]
        if name != "combined":
            # Small builds check rows, not the data tests (the combined build runs them).
            args += ["--exclude-resource-type", "test"]
        build.target.mkdir(parents=True)
        if key in self._parses[slot]:
            shutil.copy2(self._parses[slot][key], build.target / "partial_parse.msgpack")
        os.rename(build.raw_dir, slot / "raw")
        started = time.monotonic()
        try:
            result = run_dbt([*args, "--vars", json.dumps(variables)], slot / "warehouse.duckdb", build.target,
                             check=False, extra_env={"ECOMOPS_PII_SALT": SALT, **first["env"]})
        finally:
            build.seconds = time.monotonic() - started
            os.rename(slot / "raw", build.raw_dir)
            for suffix in ("", ".wal"):
                if (slot / f"warehouse.duckdb{suffix}").exists():
                    os.rename(slot / f"warehouse.duckdb{suffix}", build.folder / f"warehouse.duckdb{suffix}")
        if (build.target / "partial_parse.msgpack").exists():
            self._parses[slot][key] = build.target / "partial_parse.msgpack"
        build.slot = slot
        build.returncode = result.returncode
        build.output = result.stdout + result.stderr
        results = build.target / "run_results.json"
        if results.exists():
            build.statuses = {
                item["unique_id"]: item["status"]
                for item in json.loads(results.read_text(encoding="utf-8"))["results"]
            }
        return build


# --------------------------------------------------------------------------- assertions


def _as_expected(actual: Any, expected: Any) -> bool:
    if expected is None or isinstance(expected, bool):
        return actual is expected or actual == expected
    if isinstance(actual, Decimal):
        return actual == Decimal(str(expected))
    if isinstance(actual, dt.datetime):
        return actual == dt.datetime.fromisoformat(str(expected))
    if isinstance(actual, dt.date):
        return actual == dt.date.fromisoformat(str(expected))
    return actual == expected


def _fetch_row(con: duckdb.DuckDBPyConnection, model: str, key: str) -> list[dict[str, Any]]:
    schema, key_column, _entity = MODEL_KEYS[model]
    cursor = con.execute(f"select * from {schema}.{model} where {key_column} = ?", [int(key)])
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _context(build: Build, case: dict[str, Any]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for name, pool in case["targets"].items():
        key = build.key(case, name)
        context[name] = key
        if pool != "new_user":
            context[f"row_{name}"] = build.raw_row(POOLS[pool][0], key)
    return context


def _quarantined(con: duckdb.DuckDBPyConnection) -> collections.Counter:
    return collections.Counter(
        con.execute("select entity, natural_key, rule from staging.stg_quarantine__rows").fetchall()
    )


def expected_quarantine(build: Build, sample: Sample) -> collections.Counter:
    """The sample's quarantine (rows of this export), less the rows a case
    removed, plus every row a case states and the children of each parent a
    case quarantines (parent_quarantined, from the sample's staged children)."""
    present: dict[str, set[str] | None] = {}
    for entity in ENTITIES:
        frame = build.export.frames.get(entity)
        if frame is None or entity in build.export.header_only:
            present[entity] = set()
        elif entity in ("campaigns", "channel_spend") or build.cases[0]["export"] == "sample":
            present[entity] = None  # every row of the sample
        else:
            present[entity] = set(frame[ENTITIES[entity][1][0]].pipe(typed_keys).dropna())
    expected = collections.Counter()
    for (entity, key, rule), count in sample.quarantine.items():
        keys = present[entity]
        if (keys is None or key in keys) and key not in build.export.removed_keys.get(entity, set()):
            expected[(entity, key, rule)] += count
    parents: dict[str, set[str]] = collections.defaultdict(set)
    for case in build.cases:
        for row in case["expect"].get("rows", []):
            key = (f"line {build.export.line_numbers[row['line']]}" if "line" in row else build.key(case, row["row"]))
            expected[(row["entity"], key, row["rule"])] += row.get("count", 1)
            if "row" in row and row.get("cascade", True):
                parents[row["entity"]].add(key)
    expected.update(cascade(sample, parents))
    return expected


def cascade(sample: Sample, parents: dict[str, set[str]]) -> collections.Counter:
    """The sample's staged children (and theirs) of the given parents, as parent_quarantined rows."""
    out = collections.Counter()
    frontier = {entity: set(keys) for entity, keys in parents.items() if keys}
    con = sample.connect()
    try:
        while frontier:
            following: dict[str, set[str]] = collections.defaultdict(set)
            for child, (parent, column) in PARENTS.items():
                keys = frontier.get(parent)
                if not keys:
                    continue
                rows = con.execute(
                    f"select natural_key from staging.{base_model(child)} "
                    f"where duplicate_rank = 1 and quarantine_reason is null "
                    f"and cast({column} as varchar) in (select unnest(?))",
                    [sorted(keys)],
                ).fetchall()
                for (key,) in rows:
                    out[(child, key, "parent_quarantined")] += 1
                    following[child].add(key)
            frontier = dict(following)
    finally:
        con.close()
    return out


def assert_passing_build(build: Build) -> None:
    assert build.returncode == 0, build.output[-4000:]
    errors = sorted(unique_id for unique_id, status in build.statuses.items() if status in ("error", "fail"))
    assert errors == [], errors


def assert_stop(build: Build, case: dict[str, Any]) -> None:
    expect = case["expect"]
    output = build.output
    assert build.returncode != 0, output[-3000:]
    for message in expect["messages"]:
        message = message.format(raw_dir=build.slot / "raw")
        assert message in output, f"{message!r} not in dbt's output:\n{output[-3000:]}"
    built = sorted(unique_id for unique_id, status in build.statuses.items()
                   if unique_id.startswith("model.") and status == "success")
    if expect.get("nothing_built"):
        assert built == [], f"models built despite the stop: {built}"
    for model in expect.get("skipped", []):
        assert build.statuses.get(f"model.ecomops.{model}") == "skipped", build.statuses.get(f"model.ecomops.{model}")
        assert f"model.ecomops.{model}" not in built


def assert_rows(build: Build, case: dict[str, Any], con: duckdb.DuckDBPyConnection, sample: Sample) -> None:
    """The case's quarantine rows, exactly, and those keys not staged."""
    quarantined = _quarantined(con)
    for row in case["expect"].get("rows", []):
        key = f"line {build.export.line_numbers[row['line']]}" if "line" in row else build.key(case, row["row"])
        found = {rule: count for (entity, natural_key, rule), count in quarantined.items()
                 if entity == row["entity"] and natural_key == key}
        assert found == {row["rule"]: row.get("count", 1)}, f"{row['entity']} {key}: quarantined as {found}"
        if "row" in row and row.get("cascade", True):
            staged = con.execute(
                f"select count(*) from staging.{stg_model(row['entity'])} "
                f"where cast({ENTITIES[row['entity']][1][0]} as varchar) = ?", [key]
            ).fetchone()[0]
            assert staged == 0, f"{row['entity']} {key} is quarantined and staged"
    for child in case["expect"].get("children", []):
        parent_entity = POOLS[case["targets"][child["parent"]]][0]
        parent_key = build.key(case, child["parent"])
        expected = [key for (entity, key, _rule) in cascade(sample, {parent_entity: {parent_key}})
                    if entity == child["entity"]]
        assert expected, f"the {parent_entity} target {parent_key} has no staged {child['entity']} in the sample"
        found = con.execute(
            f"select natural_key, rule from staging.stg_quarantine__rows where entity = ? and natural_key in "
            f"(select unnest(?))", [child["entity"], sorted(expected)]
        ).fetchall()
        assert sorted(found) == sorted((key, child["rule"]) for key in expected)


def assert_staged(build: Build, case: dict[str, Any], con: duckdb.DuckDBPyConnection, sample: Sample) -> None:
    context = _context(build, case)
    sample_con = sample.connect()
    try:
        for spec in case["expect"].get("staged", []):
            key = build.key(case, spec["row"])
            rows = _fetch_row(con, spec["model"], key)
            assert len(rows) == 1, f"{spec['model']} has {len(rows)} rows for key {key}"
            row = rows[0]
            for column, value in spec.get("values", {}).items():
                expected = _format(value, context)
                assert _as_expected(row[column], expected), (
                    f"{spec['model']} {key}.{column}: {row[column]!r} != {expected!r}"
                )
            if spec.get("same_as_sample"):
                original = _fetch_row(sample_con, spec["model"], key)
                assert len(original) == 1
                for column in spec["same_as_sample"]:
                    assert row[column] == original[0][column], (
                        f"{spec['model']} {key}.{column}: {row[column]!r}, the sample has {original[0][column]!r}"
                    )
            entity = MODEL_KEYS[spec["model"]][2]
            if not any(row_spec.get("row") == spec["row"] for row_spec in case["expect"].get("rows", [])):
                found = con.execute(
                    "select rule from staging.stg_quarantine__rows where entity = ? and natural_key = ?", [entity, key]
                ).fetchall()
                assert found == [], f"{entity} {key} is staged and also quarantined as {found}"
        for spec in case["expect"].get("all_rows", []):
            schema = MODEL_KEYS[spec["model"]][0]
            total = con.execute(f"select count(*) from {schema}.{spec['model']}").fetchone()[0]
            assert total > 0
            for column, value in spec["values"].items():
                other = con.execute(
                    f"select count(*) from {schema}.{spec['model']} where {column} is distinct from ?", [value]
                ).fetchone()[0]
                assert other == 0, f"{other} of {total} rows of {spec['model']} have {column} <> {value!r}"
        for entity, extra in case["expect"].get("pii_masked_values", {}).items():
            masked = con.execute(
                "select pii_masked_values from intermediate.int_raw_rows_reconciled where entity = ?", [entity]
            ).fetchone()[0]
            assert masked == sample.pii_masked_values[entity] + extra, (
                f"{entity}: {masked} values masked; the sample has {sample.pii_masked_values[entity]}, "
                f"{extra} more expected"
            )
    finally:
        sample_con.close()


def assert_same_as_sample(build: Build, case: dict[str, Any], con: duckdb.DuckDBPyConnection, sample: Sample) -> None:
    """Every staged row of the export equals the sample's row of the same key
    (hash columns aside: they depend on the salt)."""
    spec = case["expect"]["same_as_sample"]
    models = spec.get("models") or [stg_model(entity) for entity in ENTITIES]
    except_keys = {build.key(case, name) for name in spec.get("except_rows", [])}
    sample_con = sample.connect()
    try:
        for model in models:
            entity = next(entity for entity in ENTITIES if stg_model(entity) == model)
            frame = build.export.frames.get(entity)
            columns = [name for (name, *_rest) in con.execute(f"describe staging.{model}").fetchall()
                       if not name.endswith("_hash") and name not in spec.get("except_columns", [])]
            listed = ", ".join(columns)
            if entity == "channel_spend":
                key_filter, keys = "", []
            else:
                key_column = ENTITIES[entity][1][0]
                keys = [] if frame is None else sorted(set(frame[key_column].pipe(typed_keys).dropna()) - except_keys)
                key_filter = f"where cast({key_column} as varchar) in (select unnest(?))"
            ours = sorted(map(repr, con.execute(f"select {listed} from staging.{model} {key_filter}",
                                                [keys] if key_filter else []).fetchall()))
            theirs = sorted(map(repr, sample_con.execute(f"select {listed} from staging.{model} {key_filter}",
                                                         [keys] if key_filter else []).fetchall()))
            assert len(ours) > 0 or frame is None or len(frame) == 0 or len(theirs) == 0, f"{model} is empty"
            missing = sorted(set(theirs) - set(ours))[:3]
            extra = sorted(set(ours) - set(theirs))[:3]
            assert ours == theirs, (
                f"{model}: {len(ours)} rows staged, the sample stages {len(theirs)} for these keys; "
                f"only in the sample: {missing}; only here: {extra} (columns {columns})"
            )
    finally:
        sample_con.close()


def assert_warning(build: Build, case: dict[str, Any], con: duckdb.DuckDBPyConnection, sample: Sample) -> None:
    expect = case["expect"]
    named = sorted(f"test.ecomops.{other['expect']['test']}" for other in build.cases
                   if other["expect"]["outcome"] == "warning")
    warned = sorted(unique_id for unique_id, status in build.statuses.items() if status == "warn")
    assert warned == named, f"warnings from {warned}, expected exactly {named}"
    assert build.output.count(f"Warning in test {expect['test']} ") == 1, build.output[-3000:]
    compiled = build.target / "compiled" / "ecomops" / "tests" / "dbt" / "quality" / f"{expect['test']}.sql"
    flagged = con.execute(f"select volume_date, anomaly from ({compiled.read_text(encoding='utf-8')})").fetchall()
    assert flagged == [(getattr(sample, expect["day"]), expect["anomaly"])]


def assert_notice(build: Build, case: dict[str, Any], con: duckdb.DuckDBPyConnection) -> None:
    expect = case["expect"]
    assert build.output.count(expect["notice"]) == 1, (
        f"{expect['notice']!r} printed {build.output.count(expect['notice'])} times:\n{build.output[-3000:]}"
    )
    notice = build.output[build.output.index(expect["notice"]):]
    named = re.findall(r"^\s+- (\w+): reading marts", notice, flags=re.MULTILINE)
    assert sorted(named) == sorted(expect["notice_entities"]), notice[:2000]
    for model in expect.get("empty_models", []):
        assert con.execute(f"select count(*) from staging.{model}").fetchone()[0] == 0


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_never_silent(name: str, bad_input_builds: BadInputBuilds) -> None:
    case = load_case(name)
    build = bad_input_builds.get(group_of(case))
    outcome = case["expect"]["outcome"]
    if outcome == "build_stops":
        assert_stop(build, case)
        return
    # The case's own rows first (they say more than a failed data test), then
    # the build; a build that never staged the export is reported as such.
    if build.statuses.get("model.ecomops.stg_quarantine__rows") != "success":
        assert_passing_build(build)
    con = build.connect()
    try:
        if outcome == "quarantined":
            assert_rows(build, case, con, bad_input_builds.sample)
            assert_staged(build, case, con, bad_input_builds.sample)
        elif outcome == "repaired":
            assert_staged(build, case, con, bad_input_builds.sample)
            if "same_as_sample" in case["expect"]:
                assert_same_as_sample(build, case, con, bad_input_builds.sample)
        elif outcome == "warning":
            assert_warning(build, case, con, bad_input_builds.sample)
        elif outcome == "builds_with_notice":
            assert_notice(build, case, con)
        else:
            raise AssertionError(f"unknown outcome {outcome}")
    finally:
        con.close()
    assert_passing_build(build)


@pytest.mark.parametrize("group", passing_groups())
def test_every_raw_row_is_staged_quarantined_or_a_duplicate(group: str, bad_input_builds: BadInputBuilds) -> None:
    """raw = staged + quarantined + duplicates per entity, the raw side counted
    here from the rows written; and the quarantine is exactly explained."""
    build = bad_input_builds.get(group)
    if build.statuses.get("model.ecomops.int_raw_rows_reconciled") != "success":
        assert_passing_build(build)
    con = build.connect()
    try:
        for entity, (raw_rows, duplicates) in build.raw_rows.items():
            staged = con.execute(f"select count(*) from staging.{stg_model(entity)}").fetchone()[0]
            quarantined = con.execute(
                "select count(*) from staging.stg_quarantine__rows where entity = ?", [entity]
            ).fetchone()[0]
            reconciled = con.execute(
                "select raw_rows, staged_rows, quarantined_rows, duplicate_rows, is_reconciled "
                "from intermediate.int_raw_rows_reconciled where entity = ?", [entity]
            ).fetchone()
            assert raw_rows == staged + quarantined + duplicates, (
                f"{entity}: raw {raw_rows} != staged {staged} + quarantined {quarantined} + duplicates {duplicates}"
            )
            assert reconciled == (raw_rows, staged, quarantined, duplicates, True), (entity, reconciled)
        expected = expected_quarantine(build, bad_input_builds.sample)
        actual = _quarantined(con)
        unexpected = sorted((actual - expected).items())[:10]
        missing = sorted((expected - actual).items())[:10]
        assert actual == expected, (
            f"quarantined but not expected: {unexpected}; expected but not quarantined: {missing}"
        )
        planted = [value for case in build.cases for value in case.get("planted_pii", [])]
        if planted:
            assert_nowhere_in_tables(con, planted)
    finally:
        con.close()
    assert_passing_build(build)


def assert_nowhere_in_tables(con: duckdb.DuckDBPyConnection, values: list[str]) -> None:
    """No text column of any table or view outside raw holds any of the values."""
    columns = con.execute(
        """
        select table_schema, table_name, column_name
        from information_schema.columns
        where table_schema not in ('raw', 'information_schema', 'pg_catalog')
            and data_type in ('VARCHAR', 'JSON')
        order by all
        """
    ).fetchall()
    assert len(columns) > 20
    leaks = []
    for schema, table, column in columns:
        condition = " or ".join(f'contains(cast("{column}" as varchar), ?)' for _ in values)
        found = con.execute(f'select count(*) from "{schema}"."{table}" where {condition}', values).fetchone()[0]
        if found:
            leaks.append(f"{schema}.{table}.{column}: {found} rows")
    assert leaks == [], leaks


def test_every_case_names_a_known_outcome() -> None:
    outcomes = {"quarantined", "repaired", "build_stops", "warning", "builds_with_notice"}
    assert len(CASES) >= 25
    for name, case in all_cases().items():
        assert case["expect"]["outcome"] in outcomes, name
        assert case.get("description"), name


def test_readme_lists_every_case() -> None:
    readme = (CASES_DIR / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", readme, flags=re.MULTILINE))
    assert listed == set(CASES)
    for name, case in all_cases().items():
        assert re.search(rf"^\| `{name}` \| `{case['expect']['outcome']}` \|", readme, flags=re.MULTILINE), name
