"""Shared pytest fixtures.

``warehouse`` gives the path of a DuckDB file built by ``dbt build`` from the
committed sample. ``make test`` builds it once before pytest and passes it in
ECOMOPS_TEST_WAREHOUSE; run on its own, pytest builds one into a temporary
directory (about a minute). Open it with ``duckdb.connect(path, read_only=True)``.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def dbt_executable() -> str:
    """The dbt of the virtual environment running the tests."""
    candidate = pathlib.Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(args: list[str], warehouse: pathlib.Path, target_dir: pathlib.Path,
            check: bool = True, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run dbt in the repository against ``warehouse`` with its own target dir."""
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(REPO / "profiles"),
        ECOMOPS_WAREHOUSE=str(warehouse),
        DBT_TARGET_PATH=str(target_dir),
        DBT_LOG_PATH=str(target_dir / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    env.update(extra_env or {})
    result = subprocess.run(
        [dbt_executable(), *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"dbt {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
        )
    return result


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """Path to a warehouse built from the committed sample data."""
    given = os.environ.get("ECOMOPS_TEST_WAREHOUSE")
    if given and pathlib.Path(given).exists():
        return pathlib.Path(given)
    work = tmp_path_factory.mktemp("warehouse")
    path = work / "warehouse.duckdb"
    run_dbt(["build", "--quiet"], path, work / "target")
    return path


@pytest.fixture()
def connect(warehouse: pathlib.Path):
    """A read-only DuckDB connection to the built warehouse, closed after the test."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        yield con
    finally:
        con.close()
