"""The bad-input suite: what a user sees when a raw file is broken.

One case per folder of tests/fixtures/bad_input/ (see its README): the
committed sample's raw files are copied to a temporary folder, one file is
broken as the case's case.yml says, and dbt builds the selected models from
that folder (``--vars '{raw_dir: ...}'``) into a temporary warehouse. Every
case must end in exactly the outcome it names, never in silence:

- quarantined: the build passes, the broken row is in stg_quarantine__rows
  with the expected rule and not in staging, and nothing else moved;
- build_stops: dbt fails with a message naming the model, column and rule,
  and what depends on the broken input is skipped;
- warning: the build passes with exactly one warning, from the named volume
  test, which flags the broken day (and only it).

The rows a defect touches are picked from the warehouse built from the
sample, so the cases survive a regenerated sample. Each case is one dbt
build of a few models (~10-30 s).
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import shutil
from typing import Any

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


def _load_case(name: str) -> dict[str, Any]:
    return yaml.safe_load((CASES_DIR / name / "case.yml").read_text(encoding="utf-8"))


def _project_vars() -> dict[str, Any]:
    return yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


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


@pytest.fixture(scope="module")
def targets(warehouse: pathlib.Path) -> dict[str, Any]:
    """The order and days the defects touch, and the sample's quarantine."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        order_id = con.execute(
            """
            select order_id
            from staging.base_shop__orders
            where order_id is not null
            group by order_id
            having count(*) = 1 and bool_and(quarantine_reason is null) and bool_and(is_paid)
            order by order_id
            limit 1
            """
        ).fetchone()[0]
        quarantine = con.execute("select entity, natural_key, rule from staging.stg_quarantine__rows").fetchall()
        return {
            "clean_paid_order": int(order_id),
            "ordinary_order_day": _ordinary_day(con, "staging.stg_shop__orders", "placed_date"),
            "ordinary_event_day": _ordinary_day(con, "staging.stg_tracking__events", "event_date"),
            "quarantine": quarantine,
        }
    finally:
        con.close()


def _shanghai_day(text: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(text.where(text != ""), errors="coerce", format="%Y-%m-%d %H:%M:%S")
    return (stamps + SHANGHAI).dt.date


def apply_defect(frame: pd.DataFrame, defect: dict[str, Any], targets: dict[str, Any]) -> pd.DataFrame:
    """The raw file (all text) with the case's defect applied."""
    kind = defect["kind"]
    if kind == "drop_column":
        assert defect["column"] in frame.columns
        return frame.drop(columns=[defect["column"]])
    if kind in {"set_value", "conflicting_duplicate"}:
        rows = frame.index[frame["order_id"] == str(targets[defect["row"]])]
        assert len(rows) == 1, "the target order must be one raw row"
        if kind == "set_value":
            frame.loc[rows[0], defect["column"]] = defect["value"]
            return frame
        twin = frame.loc[[rows[0]]].copy()
        assert twin[defect["column"]].iloc[0] != defect["value"]
        twin[defect["column"]] = defect["value"]
        return pd.concat([frame, twin], ignore_index=True)
    day = targets[defect["day"]]
    on_day = _shanghai_day(frame[defect["timestamp_column"]]) == day
    assert on_day.sum() > 0
    if kind == "drop_day":
        return frame[~on_day]
    if kind == "multiply_day":
        key = defect["key_column"]
        next_id = pd.to_numeric(frame[key], errors="coerce").max() + 1
        copies = []
        for copy_number in range(defect["factor"] - 1):
            extra = frame[on_day].copy()
            extra[key] = [str(int(next_id + copy_number * on_day.sum() + offset)) for offset in range(len(extra))]
            copies.append(extra)
        return pd.concat([frame, *copies], ignore_index=True)
    raise ValueError(f"unknown defect kind {kind}")


def build_broken(case: dict[str, Any], targets: dict[str, Any], work: pathlib.Path):
    """Copy the sample's raw files, break one, build the case's selection."""
    raw = work / "raw"
    raw.mkdir()
    for path in SEEDS.glob("*.csv"):
        shutil.copy2(path, raw / path.name)
    frame = pd.read_csv(SEEDS / f"{case['file']}.csv", dtype=str, keep_default_na=False)
    apply_defect(frame, case["defect"], targets).to_csv(raw / f"{case['file']}.csv", index=False)
    warehouse, target = work / "warehouse.duckdb", work / "target"
    result = run_dbt(
        ["build", "--select", *case["select"].split(), "--indirect-selection", "cautious",
         "--exclude-resource-type", "unit_test", "--vars", json.dumps({"raw_dir": str(raw)})],
        warehouse, target, check=False,
    )
    statuses = {
        item["unique_id"]: item["status"]
        for item in json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    }
    return result, statuses, warehouse, target


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_never_silent(name: str, targets: dict[str, Any], tmp_path: pathlib.Path) -> None:
    case = _load_case(name)
    expect = case["expect"]
    result, statuses, warehouse, target = build_broken(case, targets, tmp_path)
    output = result.stdout + result.stderr
    warned = sorted(unique_id for unique_id, status in statuses.items() if status == "warn")

    if expect["outcome"] == "build_stops":
        assert result.returncode != 0, output[-3000:]
        for message in expect["messages"]:
            assert message in output, f"{message!r} not in dbt's output:\n{output[-3000:]}"
        for model in expect.get("skipped", []):
            assert statuses[f"model.ecomops.{model}"] == "skipped"
        return

    assert result.returncode == 0, output[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        if expect["outcome"] == "quarantined":
            assert warned == []
            order_id = targets["clean_paid_order"]
            rules = con.execute(
                "select rule from staging.stg_quarantine__rows where entity = ? and natural_key = ?",
                [expect["entity"], str(order_id)],
            ).fetchall()
            assert rules == [(expect["rule"],)]
            assert con.execute("select count(*) from staging.stg_shop__orders where order_id = ?",
                               [order_id]).fetchone() == (0,)
            # Nothing else moved: the quarantine is the sample's plus this row.
            entity_rows = {(key, rule) for entity, key, rule in targets["quarantine"] if entity == expect["entity"]}
            now = set(con.execute(
                "select natural_key, rule from staging.stg_quarantine__rows where entity = ?", [expect["entity"]]
            ).fetchall())
            assert now == entity_rows | {(str(order_id), expect["rule"])}
        elif expect["outcome"] == "warning":
            assert warned == [f"test.ecomops.{expect['test']}"], output[-3000:]
            assert f"Warning in test {expect['test']}" in output
            compiled = target / "compiled" / "ecomops" / "tests" / "dbt" / "quality" / f"{expect['test']}.sql"
            flagged = con.execute(
                f"select volume_date, anomaly from ({compiled.read_text(encoding='utf-8')})"
            ).fetchall()
            day = targets[case["defect"]["day"]]
            assert flagged == [(day, expect["anomaly"])]
        else:
            raise AssertionError(f"unknown outcome {expect['outcome']}")
    finally:
        con.close()
