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
    # A build on files (var raw_dir) refuses the public development salt:
    # tests use their own, unless a test sets ECOMOPS_PII_SALT itself ('' = unset).
    env.setdefault("ECOMOPS_PII_SALT", "pytest-salt-not-secret")
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
def warehouse_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[pathlib.Path, pathlib.Path | None]:
    """(warehouse, run_results.json of the dbt build that wrote it).

    ``make test`` passes both in (ECOMOPS_TEST_WAREHOUSE and
    ECOMOPS_TEST_RUN_RESULTS, a copy the Makefile keeps because ``dbt docs
    generate`` overwrites target/run_results.json); otherwise the sample is
    built here into a temporary directory."""
    given = os.environ.get("ECOMOPS_TEST_WAREHOUSE")
    if given and pathlib.Path(given).exists():
        results = os.environ.get("ECOMOPS_TEST_RUN_RESULTS")
        return pathlib.Path(given), pathlib.Path(results) if results else None
    work = tmp_path_factory.mktemp("warehouse")
    path = work / "warehouse.duckdb"
    run_dbt(["build", "--quiet"], path, work / "target")
    return path, work / "target" / "run_results.json"


@pytest.fixture(scope="session")
def warehouse(warehouse_build: tuple[pathlib.Path, pathlib.Path | None]) -> pathlib.Path:
    """Path to a warehouse built from the committed sample data."""
    return warehouse_build[0]


@pytest.fixture(scope="session")
def warehouse_run_results(warehouse_build: tuple[pathlib.Path, pathlib.Path | None]) -> dict:
    """run_results.json of the build that wrote ``warehouse``."""
    import json

    path = warehouse_build[1]
    if path is None or not path.exists():
        pytest.fail("ECOMOPS_TEST_WAREHOUSE is set but ECOMOPS_TEST_RUN_RESULTS does not name the run_results.json"
                    " of the build that wrote it (make pytest passes both)")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture()
def connect(warehouse: pathlib.Path):
    """A read-only DuckDB connection to the built warehouse, closed after the test."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        yield con
    finally:
        con.close()


@pytest.fixture(scope="session")
def bad_input_builds(request: pytest.FixtureRequest, warehouse: pathlib.Path,
                     tmp_path_factory: pytest.TempPathFactory):
    """The builds of the bad-input suite (tests/python/test_quality_bad_input.py).

    On first use, starts every build that a selected test needs (two at a
    time, in the background); each test then waits for its own build only.
    """
    from test_quality_bad_input import BadInputBuilds, groups_for_item

    builds = BadInputBuilds(warehouse, tmp_path_factory.mktemp("bad_input"))
    builds.submit(
        group
        for item in request.session.items
        if "bad_input_builds" in getattr(item, "fixturenames", ())
        for group in groups_for_item(item)
    )
    try:
        yield builds
    finally:
        builds.close()


# Modules whose tests share one session-scoped build, and the module whose
# scope they join under ``pytest -n``, so that build runs in one worker only.
SHARED_BUILD_FIXTURES = {"bad_input_builds": "tests/python/test_quality_bad_input.py"}
SHARED_BUILD_MODULES = {"tests/python/test_export_privacy.py": "tests/python/test_quality_bad_input.py"}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``make pytest`` runs ``pytest -n 2 --dist loadscope``: each worker gets whole modules, so a
    module-scoped build runs once, and the modules in SHARED_BUILD_MODULES go to
    the worker of the module they share a session build with.

    (``--dist loadgroup`` cannot do this with pytest 9: xdist 3.8 renames
    ``item._nodeid``, which pytest 9 no longer reads.)"""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return SHARED_BUILD_MODULES.get(module, module)

    return ModuleScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse to run when a module uses a shared session build but is not in
    SHARED_BUILD_MODULES: under ``pytest -n`` it would build it a second time."""
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        for fixture, home in SHARED_BUILD_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()) and module != home \
                    and SHARED_BUILD_MODULES.get(module) != home:
                raise pytest.UsageError(
                    f"{module} uses the session fixture {fixture}: add it to SHARED_BUILD_MODULES in"
                    f" tests/python/conftest.py (mapped to {home}) so pytest -n builds it once"
                )


def data_window(warehouse_path: pathlib.Path) -> tuple["dt.date", "dt.date"]:
    """The data's first and last Asia/Shanghai day, recomputed here from the
    staging tables as docs/staging.md defines them (registrations, orders
    placed or paid, behaviour events), unless the dbt vars data_start_date /
    data_end_date override them. Independent of int_data_window's SQL."""
    import datetime as dt

    import duckdb
    import yaml

    variables = yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        stamps = [row[0] for row in con.execute(
            """
            select registered_at from staging.stg_shop__users
            union all select placed_at from staging.stg_shop__orders
            union all select paid_at from staging.stg_shop__orders where paid_at is not null
            union all select event_at from staging.stg_tracking__events
            """
        ).fetchall()]
    finally:
        con.close()
    days = [(stamp + dt.timedelta(hours=8)).date() for stamp in stamps]
    first = dt.date.fromisoformat(str(variables["data_start_date"])) if variables.get("data_start_date") else min(days)
    last = dt.date.fromisoformat(str(variables["data_end_date"])) if variables.get("data_end_date") else max(days)
    return first, last
