"""The benchmark's floor (ecomops/floor.py) and its slowest-node report.

The floor must read every raw row once and write every mart of the built
warehouse: the row counts it reports are checked against the raw files
counted with the csv module and against the warehouse's own marts.
"""

from __future__ import annotations

import csv
import json
import pathlib
import subprocess
import sys

import duckdb
import pytest

from conftest import REPO
from ecomops.benchmark import cut_before_last_load_day, slowest_nodes
from ecomops.floor import measure

SEEDS = REPO / "seeds" / "raw"


def _csv_rows(path: pathlib.Path) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _row in csv.reader(handle)) - 1


def test_the_floor_reads_every_raw_row_and_writes_every_mart(warehouse: pathlib.Path,
                                                              tmp_path: pathlib.Path) -> None:
    floor = measure(SEEDS, "csv", warehouse, tmp_path / "floor.duckdb", {"threads": 1})
    assert floor.raw_rows == {path.stem: _csv_rows(path) for path in sorted(SEEDS.glob("*.csv"))}
    con = duckdb.connect(str(warehouse), read_only=True)
    marts = dict(con.execute(
        "select table_name, estimated_size from duckdb_tables() where schema_name = 'marts'").fetchall())
    expected = {name: con.execute(f'select count(*) from marts."{name}"').fetchone()[0] for name in marts}
    con.close()
    assert len(expected) >= 40 and floor.mart_rows == expected
    assert floor.seconds == round(floor.read_seconds + floor.write_seconds, 2) > 0


def test_the_floor_refuses_what_it_cannot_measure(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError, match="generate the raw data first"):
        measure(tmp_path, "parquet", tmp_path / "w.duckdb", tmp_path / "f.duckdb")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(ValueError, match="build the warehouse first"):
        measure(SEEDS, "csv", empty, tmp_path / "f.duckdb")
    result = subprocess.run([sys.executable, "-m", "ecomops.floor", "--raw-dir", str(tmp_path), "--warehouse",
                             str(empty), "--out", str(tmp_path / "f.duckdb")],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 2 and "generate the raw data first" in result.stderr


def test_slowest_nodes_are_the_longest_executions(tmp_path: pathlib.Path) -> None:
    run_results = tmp_path / "run_results.json"
    run_results.write_text(json.dumps({"results": [
        {"unique_id": "model.a", "execution_time": 1.234},
        {"unique_id": "model.b", "execution_time": 9.876},
        {"unique_id": "test.c", "execution_time": None},
        {"unique_id": "model.d", "execution_time": 3.5},
    ]}), encoding="utf-8")
    assert slowest_nodes(run_results, 2) == [["model.b", 9.88], ["model.d", 3.5]]
    assert slowest_nodes(tmp_path / "missing.json") == []


def test_the_day_before_holds_every_row_loaded_before_the_last_load_day(tmp_path: pathlib.Path) -> None:
    """--daily cuts the export at the last Asia/Shanghai load day: counted
    here with the csv module and datetime, independently of DuckDB."""
    import datetime as dt

    def shanghai_day(text: str) -> dt.date | None:
        try:
            stamp = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return (stamp + dt.timedelta(hours=8)).date()

    days = {}
    for path in sorted(SEEDS.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            days[path.stem] = [shanghai_day(row["loaded_at"]) for row in csv.DictReader(handle)]
    last_day = max(day for values in days.values() for day in values if day)
    assert cut_before_last_load_day(SEEDS, "csv", tmp_path) == last_day.isoformat()
    for entity, values in days.items():
        expected = sum(1 for day in values if day is None or day < last_day)
        assert _csv_rows(tmp_path / f"{entity}.csv") == expected, entity
    assert sum(_csv_rows(tmp_path / f"{entity}.csv") for entity in days) < sum(len(v) for v in days.values())
