"""A Spark increment equals DuckDB's full refresh (issue 12, item 2; docs/spark.md).

The seven incremental base models run on Spark with the project's
delete+insert (macros/spark/spark_incremental.sql). In one fresh Spark
metastore, in a temporary folder:

- the export of day D-1 (D = the sample's last day with an event), cut from
  the committed sample by load time as tests/python/test_incremental.py cuts
  it (every fourth row loaded on D-1 held back), builds the seven models and
  what they read;
- the complete sample files then run the seven models again, as an
  increment: the held-back rows arrive with a loaded_at before the latest
  one staged (only the lookback picks them up), and day D's rows are new.

The seven Spark tables must then equal a DuckDB full refresh of the same
models on the complete files, table by table, as ``make test-spark`` compares
(ecomops.parity.compare: exact but for doubles). Run by
``make test-spark-incremental`` (needs .venv-spark, which that target makes,
and Java 17); its three Spark runs take minutes, so it is not in make test.
"""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import subprocess
from typing import Any

import pytest

from conftest import REPO, run_dbt
from ecomops.parity.compare import compare
from test_incremental import INCREMENTAL_MODELS, SALT, SEEDS, cut_by_load, last_event_day, read_raw, vars_for

pytestmark = pytest.mark.spark_incremental

SPARK_BIN = REPO / ".venv-spark" / "bin"
# dbt build without tests: the models and the seeds they read (reference data).
BUILD = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
RUN_MODELS = [*BUILD, "--select", *INCREMENTAL_MODELS]
RUN_WITH_PARENTS = [*BUILD, "--select", *(f"+{model}" for model in INCREMENTAL_MODELS)]


def run_spark(command: list[str], args: list[str], cwd: pathlib.Path,
              target: pathlib.Path) -> subprocess.CompletedProcess:
    """A command of .venv-spark in `cwd`, where the local metastore and tables live."""
    env = dict(os.environ)
    env.update(SALT, DBT_PROFILES_DIR=str(REPO / "profiles"), DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               PYTHONPATH=str(REPO))
    if command[0] == "dbt":
        args = [*args, "--project-dir", str(REPO), "--target", "spark",
                "--target-path", str(target), "--log-path", str(target / "logs")]
    result = subprocess.run([str(SPARK_BIN / command[0]), *command[1:], *args], cwd=cwd, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, (
        f"{' '.join(command + args)} failed ({result.returncode}):\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}")
    return result


def main_statement(target: pathlib.Path, model: str) -> str:
    """The SQL a Spark run executed as the model's main statement."""
    return next((target / "run").rglob(f"{model}.sql")).read_text(encoding="utf-8").lower()


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not (SPARK_BIN / "dbt").exists():
        pytest.fail("no .venv-spark: run make test-spark-incremental, which creates it (make spark-venv)")
    work = tmp_path_factory.mktemp("spark_incremental")
    day = last_event_day(SEEDS) - dt.timedelta(days=1)
    export = work / f"export_{day.isoformat()}"
    rows = cut_by_load(SEEDS, export, day)
    spark = work / "spark"
    spark.mkdir()
    first, increment = work / "target_first", work / "target_increment"
    run_spark(["dbt"], [*RUN_WITH_PARENTS, "--vars", vars_for(export)], spark, first)
    run_spark(["dbt"], [*RUN_MODELS, "--vars", vars_for(SEEDS)], spark, increment)
    run_spark(["python", "-m", "ecomops.parity.export_spark"],
              ["--schema", "staging", "--out", str(work / "parity")], spark, work)
    full = work / "full_refresh.duckdb"
    run_dbt([*RUN_WITH_PARENTS, "--vars", vars_for(SEEDS)], full, work / "target_duckdb", extra_env=SALT)
    return {"work": work, "day": day, "rows": rows, "first": first, "increment": increment, "full": full}


def test_the_second_run_was_an_increment(builds: dict[str, Any]) -> None:
    """The first run created the tables; the second replaced keys in them
    (the rewrite's final rename), it did not rebuild them."""
    for model in INCREMENTAL_MODELS:
        assert "rename to" not in main_statement(builds["first"], model), model
        statement = main_statement(builds["increment"], model)
        assert f"{model}__ecomops_next rename to" in statement, (model, statement[:400])


def test_the_increment_brought_rows(builds: dict[str, Any]) -> None:
    _fields, events = read_raw(SEEDS / "events.csv")
    assert builds["rows"]["events"] < len(events)
    assert builds["rows"]["orders"] < len(read_raw(SEEDS / "orders.csv")[1])


def test_spark_increment_equals_duckdb_full_refresh(builds: dict[str, Any]) -> None:
    results = compare(builds["full"], builds["work"] / "parity" / "staging", "staging")
    assert sorted(result.name for result in results) == sorted(INCREMENTAL_MODELS)
    different = {result.name: result.problems for result in results if not result.equal}
    assert not different, different
