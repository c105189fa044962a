"""An incremental run equals a full refresh (issue 11; docs/incremental.md).

The committed sample's raw files are cut by load time, as the exports a
platform delivers day after day would be: the export of day X holds every
raw row whose loaded_at falls on or before X (Asia/Shanghai), plus the rows
whose loaded_at is missing or unreadable (a defect present from the start),
except that every fourth row loaded on day X itself is held back until the
next export, as a loader that lags would deliver it: its loaded_at is then
before the latest one already staged, and only the lookback
(var incremental_lookback_days) picks it up.

- Build A: one full refresh of the whole DAG on the complete sample files.
- Build B, in one warehouse: the export of day D-3 (D = the sample's last
  day with an event), then the exports of D-2 and D-1 as daily increments
  of the incremental models, then the complete files (day D and the late
  loads after it) as a last increment with the whole DAG.

Each increment brings late rows: events of earlier days loaded that day.
Every public mart and every staging table of A and B must be equal: same
columns, same rows as a multiset (doubles to 1e-9 relative). A difference
fails naming the relation, the columns that differ and example keys.

Run by ``make test-incremental`` (``.ci/run`` runs it after ``make test``):
its five dbt runs take about two minutes, which ``make test`` has no room for.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import pathlib
from typing import Any

import duckdb
import pytest

from conftest import REPO, run_dbt

pytestmark = pytest.mark.incremental

SEEDS = REPO / "seeds" / "raw"
SHANGHAI = dt.timedelta(hours=8)
SALT = {"ECOMOPS_PII_SALT": "test-salt-incremental"}
# The models an increment before the last one runs: the incremental ones
# and what they read (docs/incremental.md lists them).
INCREMENTAL_MODELS = ["base_tracking__events", "base_shop__users", "base_shop__orders", "base_shop__order_items",
                      "base_crm__points_ledger", "base_crm__messages", "base_logistics__shipments"]
# The raw entity each incremental model judges (the cut's file stem).
INCREMENTAL_ENTITIES = ["events", "users", "orders", "order_items", "points_ledger", "messages", "shipments"]
RUN_MODELS = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


def parse_utc(text: str) -> dt.datetime | None:
    """A raw timestamp as naive UTC; None when empty or unreadable."""
    value = text.strip()
    if not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.replace("T", " ").replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return stamp


def read_raw(path: pathlib.Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def shanghai_day(stamp: dt.datetime) -> dt.date:
    return (stamp + SHANGHAI).date()


def last_event_day(raw: pathlib.Path) -> dt.date:
    _fields, rows = read_raw(raw / "events.csv")
    return max(shanghai_day(stamp) for row in rows if (stamp := parse_utc(row["event_at"])))


HELD_BACK_EVERY = 4


def in_export(row: dict[str, str], line: int, day: dt.date) -> bool:
    """Whether the export of `day` holds this raw row (line: its 0-based row number)."""
    stamp = parse_utc(row.get("loaded_at", ""))
    if stamp is None:
        return True
    loaded = shanghai_day(stamp)
    return loaded < day or (loaded == day and line % HELD_BACK_EVERY != 0)


def cut_by_load(source: pathlib.Path, target: pathlib.Path, day: dt.date) -> dict[str, int]:
    """Write the export of `day` (see in_export). Returns rows written per entity."""
    target.mkdir(parents=True, exist_ok=True)
    written = {}
    for path in sorted(source.glob("*.csv")):
        fields, rows = read_raw(path)
        kept = [row for line, row in enumerate(rows) if in_export(row, line, day)]
        with open(target / path.name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(kept)
        written[path.stem] = len(kept)
    return written


def late_events(raw: pathlib.Path, day: dt.date) -> int:
    """Events loaded on `day` that happened on an earlier day."""
    _fields, rows = read_raw(raw / "events.csv")
    count = 0
    for row in rows:
        loaded, happened = parse_utc(row["loaded_at"]), parse_utc(row["event_at"])
        if loaded and happened and shanghai_day(loaded) == day and shanghai_day(happened) < day:
            count += 1
    return count


def held_back_events(day: dt.date) -> list[dt.datetime]:
    """loaded_at of the sample's events loaded on `day` that its export holds back."""
    _fields, rows = read_raw(SEEDS / "events.csv")
    return [stamp for line, row in enumerate(rows)
            if (stamp := parse_utc(row["loaded_at"])) and shanghai_day(stamp) == day
            and not in_export(row, line, day)]


def vars_for(raw: pathlib.Path) -> str:
    return json.dumps({"raw_dir": str(raw), "raw_format": "csv"})


def run_results(target: pathlib.Path) -> list[dict[str, Any]]:
    return json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("incremental")
    last = last_event_day(SEEDS)
    days = [last - dt.timedelta(days=3), last - dt.timedelta(days=2), last - dt.timedelta(days=1)]

    full = work / "full_refresh.duckdb"
    run_dbt([*RUN_MODELS, "--vars", vars_for(SEEDS)], full, work / "target_full", extra_env=SALT)

    incremental = work / "incremental.duckdb"
    steps = []
    for number, day in enumerate(days):
        raw = work / f"export_{day.isoformat()}"
        rows = cut_by_load(SEEDS, raw, day)
        target = work / f"target_step_{number}"
        run_dbt([*RUN_MODELS, "--select", *(f"+{model}" for model in INCREMENTAL_MODELS), "--vars", vars_for(raw)],
                incremental, target, extra_env=SALT)
        steps.append({"day": day, "raw": raw, "rows": rows, "target": target})
    target = work / "target_step_last"
    run_dbt([*RUN_MODELS, "--vars", vars_for(SEEDS)], incremental, target, extra_env=SALT)
    steps.append({"day": None, "raw": SEEDS, "rows": None, "target": target})
    return {"full": full, "incremental": incremental, "steps": steps, "days": days, "work": work}


def test_every_run_passed_and_the_increments_were_incremental(builds: dict[str, Any]) -> None:
    for step in builds["steps"]:
        statuses = {result["status"] for result in run_results(step["target"])}
        # no-op: exposures and saved queries, which a build lists
        assert statuses <= {"success", "no-op"}, (step["day"], statuses)
    # The first step creates the tables; every later one must have merged
    # into them (dbt-duckdb's delete+insert), not rebuilt them.
    for number, step in enumerate(builds["steps"]):
        for model in INCREMENTAL_MODELS:
            compiled = next((step["target"] / "run").rglob(f"{model}.sql")).read_text(encoding="utf-8")
            merged = "delete from" in compiled.lower()
            assert merged == (number > 0), f"step {number} ({step['day']}): {model} merged={merged}"


def test_each_increment_brings_new_and_late_rows(builds: dict[str, Any]) -> None:
    steps = builds["steps"]
    for before, after in zip(steps[:-2], steps[1:-1]):
        for entity in INCREMENTAL_ENTITIES:
            assert after["rows"][entity] > before["rows"][entity], (after["day"], entity)
        assert late_events(after["raw"], after["day"]) > 0, f"no late event loaded on {after['day']}"
    # The last increment (the complete files) brings the late loads after day D.
    _fields, all_events = read_raw(SEEDS / "events.csv")
    assert len(all_events) > steps[-2]["rows"]["events"]


def test_held_back_rows_land_before_the_latest_staged_load(builds: dict[str, Any]) -> None:
    """The rows each export holds back arrive in the next one with a loaded_at
    earlier than the latest already staged: only the lookback picks them up."""
    for day in builds["days"]:
        held = held_back_events(day)
        assert held, f"no event held back on {day}"
        # the export of `day` holds the other rows loaded that day, some later than a held-back one
        _fields, rows = read_raw(builds["work"] / f"export_{day.isoformat()}" / "events.csv")
        latest_in_export = max(stamp for row in rows if (stamp := parse_utc(row["loaded_at"])))
        assert min(held) < latest_in_export, (day, min(held), latest_in_export)


def _relations(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        """
        select table_schema || '.' || table_name, column_name, data_type
        from information_schema.columns
        where table_catalog = ? and table_schema in ('staging', 'marts')
        order by 1, ordinal_position
        """,
        [catalog],
    ).fetchall()
    relations: dict[str, list[tuple[str, str]]] = {}
    for relation, column, data_type in rows:
        relations.setdefault(relation, []).append((column, data_type))
    return relations


DOUBLE_TYPES = ("DOUBLE", "FLOAT", "REAL")
RELATIVE_TOLERANCE = 1e-9


def _exact_differences(con: duckdb.DuckDBPyConnection, relation: str,
                       columns: list[tuple[str, str]]) -> str | None:
    """Every column but the doubles, compared exactly as row multisets."""
    exact = [f'"{name}"' for name, data_type in columns if data_type not in DOUBLE_TYPES]
    select = ", ".join(exact)
    only = {
        side: con.execute(f"select count(*) from (select {select} from {side}.{relation} except all "
                          f"select {select} from {other}.{relation})").fetchone()[0]
        for side, other in (("full_refresh", "incremental"), ("incremental", "full_refresh"))
    }
    if not any(only.values()):
        return None
    differing = [
        column for column in exact
        if con.execute(f"select count(*) from (select {column} from full_refresh.{relation} except all "
                       f"select {column} from incremental.{relation})").fetchone()[0]
    ]
    examples = [row[0] for row in con.execute(
        f"select {exact[0]} from (select {select} from full_refresh.{relation} except all "
        f"select {select} from incremental.{relation}) order by 1 limit 5").fetchall()]
    return (f"{relation}: {only['full_refresh']} rows only in the full refresh, {only['incremental']} only in"
            f" the incremental build; columns {differing or '(row multiset only)'}; example {exact[0]}: {examples}")


def _double_differences(con: duckdb.DuckDBPyConnection, relation: str,
                        columns: list[tuple[str, str]]) -> str | None:
    """The doubles, within 1e-9 relative (their sums depend on row order): the
    rows of both sides paired in the order of every column, exact ones first."""
    doubles = [f'"{name}"' for name, data_type in columns if data_type in DOUBLE_TYPES]
    if not doubles:
        return None
    exact = [f'"{name}"' for name, data_type in columns if data_type not in DOUBLE_TYPES]
    order = ", ".join(exact + doubles)
    numbered = ("select *, row_number() over (order by {order}) as pair_number from {side}.{relation}")
    far = [
        f"(full_side.{column} is null) <> (incremental_side.{column} is null) or abs(full_side.{column}"
        f" - incremental_side.{column}) > {RELATIVE_TOLERANCE} * greatest(abs(full_side.{column}),"
        f" abs(incremental_side.{column}))"
        for column in doubles
    ]
    pairs = (f"({numbered.format(order=order, side='full_refresh', relation=relation)}) as full_side"
             f" inner join ({numbered.format(order=order, side='incremental', relation=relation)})"
             f" as incremental_side using (pair_number)")
    differing = [
        column for column, condition in zip(doubles, far)
        if con.execute(f"select count(*) from {pairs} where {condition}").fetchone()[0]
    ]
    if not differing:
        return None
    key = exact[0] if exact else doubles[0]
    examples = [row[0] for row in con.execute(
        f"select full_side.{key} from {pairs} where {' or '.join(far)} order by 1 limit 5").fetchall()]
    return f"{relation}: doubles beyond {RELATIVE_TOLERANCE} relative in {differing}; example {key}: {examples}"


def test_every_mart_and_staging_table_equals_the_full_refresh(builds: dict[str, Any]) -> None:
    con = duckdb.connect(str(builds["full"]), read_only=True)
    con.execute(f"attach '{builds['incremental']}' as incremental (read_only)")
    full_relations = _relations(con, "full_refresh")
    incremental_relations = _relations(con, "incremental")
    assert set(full_relations) == set(incremental_relations)
    assert sum(relation.startswith("marts.") for relation in full_relations) >= 40
    differences = []
    for relation, columns in sorted(full_relations.items()):
        if incremental_relations[relation] != columns:
            differences.append(f"{relation}: columns differ")
            continue
        difference = _exact_differences(con, relation, columns) or _double_differences(con, relation, columns)
        if difference:
            differences.append(difference)
    con.close()
    assert not differences, "incremental build differs from the full refresh:\n" + "\n".join(differences)


def test_the_comparison_tells_rounding_from_a_wrong_number(tmp_path: pathlib.Path) -> None:
    """The comparison itself: doubles 1e-12 apart (row-order noise) are equal,
    a double 1e-6 apart or a changed count is named with its key."""
    con = duckdb.connect()
    for catalog, share, users in (("full_refresh", 0.25, 4), ("incremental", 0.25 + 1e-13, 4)):
        con.execute(f"attach '{tmp_path / catalog}.duckdb' as {catalog}")
        con.execute(f"create schema {catalog}.marts")
        con.execute(f"create table {catalog}.marts.m as select * from (values (1, {users}, {share}),"
                    f" (2, 7, 0.5)) as t(day_id, users, share)")
    columns = [("day_id", "INTEGER"), ("users", "INTEGER"), ("share", "DOUBLE")]
    assert _exact_differences(con, "marts.m", columns) is None
    assert _double_differences(con, "marts.m", columns) is None
    con.execute("update incremental.marts.m set share = share * (1 + 1e-6) where day_id = 2")
    assert _double_differences(con, "marts.m", columns) == (
        "marts.m: doubles beyond 1e-09 relative in ['\"share\"']; example \"day_id\": [2]")
    con.execute("update incremental.marts.m set users = 5 where day_id = 1")
    assert _exact_differences(con, "marts.m", columns) == (
        "marts.m: 1 rows only in the full refresh, 1 only in the incremental build; columns ['\"users\"'];"
        " example \"day_id\": [1]")
