"""Write, audit, publish (ecomops/publish.py) and the bounded-memory plugin.

The published warehouse BI reads must change only whole, and only after
every check passed. These tests prove, on a published file whose bytes are
hashed before and after:

- the swap: a reader holding the published file open keeps reading the
  version it opened, a new connection reads the new one, and no log is left;
- a failed dbt build (the run-start check refuses an unknown var), a failed
  audit (the Great Expectations checkpoint on a candidate that lacks the
  marts), and a build killed midway all leave the published file byte for
  byte as it was, and the next run removes the killed run's candidate;
- a reader holding the published file open does not block the build;
- a second publish of the same warehouse is refused while one runs;
- a write-ahead log next to the published file stops the publish.

``make build`` publishes the full sample through the same command on every
``make test``, so the success path of the whole DAG is proven there.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from conftest import REPO
from ecomops.dbt.resources import auto_memory_limit, connect_settings
from ecomops.publish import Paths, PublishError, exclusive, publish_candidate, seed_candidate

GIB = 1024 ** 3


def _database(path: pathlib.Path, version: int) -> pathlib.Path:
    con = duckdb.connect(str(path))
    con.execute("create table published_version as select ? as version", [version])
    con.close()
    return path


def _digest(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _publish_command(warehouse: pathlib.Path, *dbt_args: str) -> list[str]:
    return [sys.executable, "-m", "ecomops", "publish", "--warehouse", str(warehouse), "--", *dbt_args]


def _env(tmp_path: pathlib.Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DBT_PROFILES_DIR=str(REPO / "profiles"), DBT_TARGET_PATH=str(tmp_path / "target"),
               DBT_LOG_PATH=str(tmp_path / "logs"), DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               ECOMOPS_DUCKDB_MEMORY_LIMIT="1GB")
    env.pop("ECOMOPS_PII_SALT", None)
    return env


# --------------------------------------------------------------------------- the swap


def test_swap_keeps_open_readers_on_their_version(tmp_path: pathlib.Path) -> None:
    paths = Paths(tmp_path / "warehouse.duckdb")
    _database(paths.published, 1)
    reader = duckdb.connect(str(paths.published), read_only=True)
    try:
        _database(paths.candidate, 2)
        publish_candidate(paths)
        # the open reader still reads the file it opened, whole
        assert reader.execute("select version from published_version").fetchall() == [(1,)]
    finally:
        reader.close()
    fresh = duckdb.connect(str(paths.published), read_only=True)
    try:
        assert fresh.execute("select version from published_version").fetchall() == [(2,)]
    finally:
        fresh.close()
    assert not paths.candidate.exists()
    assert not Paths.wal(paths.published).exists() and not Paths.wal(paths.candidate).exists()


def test_a_log_next_to_the_published_file_stops_the_publish(tmp_path: pathlib.Path) -> None:
    paths = Paths(tmp_path / "warehouse.duckdb")
    _database(paths.published, 1)
    before = _digest(paths.published)
    Paths.wal(paths.published).write_bytes(b"left by a writer that was killed")
    _database(paths.candidate, 2)
    with pytest.raises(PublishError, match="is writing .* directly"):
        publish_candidate(paths)
    assert _digest(paths.published) == before
    assert paths.candidate.exists()


def test_the_candidate_starts_from_the_published_file_unless_full_refresh(tmp_path: pathlib.Path) -> None:
    """Incremental models merge into the last publish's tables: the candidate
    is a copy of the published file; --full-refresh and a first publish start
    from nothing; a log next to the published file refuses the copy."""
    paths = Paths(tmp_path / "warehouse.duckdb")
    assert seed_candidate(paths, []) is False and not paths.candidate.exists()
    _database(paths.published, 7)
    before = _digest(paths.published)
    assert seed_candidate(paths, ["--full-refresh", "--select", "x"]) is False
    assert not paths.candidate.exists()
    assert seed_candidate(paths, ["--vars", "{raw_dir: x}"]) is True
    con = duckdb.connect(str(paths.candidate), read_only=True)
    assert con.execute("select version from published_version").fetchall() == [(7,)]
    con.close()
    assert _digest(paths.published) == before
    paths.candidate.unlink()
    Paths.wal(paths.published).write_bytes(b"left by a writer that was killed")
    with pytest.raises(PublishError, match="--full-refresh"):
        seed_candidate(paths, [])
    assert not paths.candidate.exists()


def test_a_second_publish_is_refused_while_one_runs(tmp_path: pathlib.Path) -> None:
    paths = Paths(tmp_path / "warehouse.duckdb")
    _database(paths.published, 1)
    with exclusive(paths):
        result = subprocess.run(_publish_command(paths.published, "--select", "dim_date"),
                                cwd=REPO, env=_env(tmp_path), capture_output=True, text=True)
    assert result.returncode == 1
    assert f"another publish of {paths.published.resolve()} is running (pid {os.getpid()})" in result.stderr


# --------------------------------------------------------------------------- failures leave it as it was


def test_a_failed_audit_publishes_nothing_and_an_open_reader_does_not_block(tmp_path: pathlib.Path) -> None:
    """The dbt build of the reference seeds passes; the checkpoint then fails on the
    candidate (it has no marts). A BI reader holds the published file open
    all along: the build writes another file, so it is never blocked."""
    published = _database(tmp_path / "warehouse.duckdb", 1)
    before = _digest(published)
    reader = duckdb.connect(str(published), read_only=True)
    try:
        result = subprocess.run(
            _publish_command(published, "--select", "path:seeds/reference"),
            cwd=REPO, env=_env(tmp_path), capture_output=True, text=True)
        assert reader.execute("select version from published_version").fetchall() == [(1,)]
    finally:
        reader.close()
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert "audit: Great Expectations checkpoint" in result.stdout  # the build passed, with the reader open
    assert "the Great Expectations checkpoint failed" in result.stderr
    assert _digest(published) == before
    assert Paths(published.resolve()).candidate.exists()  # kept for inspection


def test_a_killed_build_or_a_failed_dbt_build_publishes_nothing(tmp_path: pathlib.Path) -> None:
    published = _database(tmp_path / "warehouse.duckdb", 1)
    before = _digest(published)
    candidate = Paths(published.resolve()).candidate
    process = subprocess.Popen(_publish_command(published, "--select", "+fct_orders"), cwd=REPO,
                               env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while not candidate.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert candidate.exists(), "the build never created its candidate"
        time.sleep(3)  # midway through the models
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert _digest(published) == before
    assert candidate.exists()

    # The next run removes the candidate; its dbt build then fails (the
    # run-start check refuses an unknown var): nothing is published either.
    again = subprocess.run(_publish_command(published, "--select", "dim_date", "--vars", "{no_such_var: 1}"),
                           cwd=REPO, env=_env(tmp_path), capture_output=True, text=True)
    assert "removed the candidate an earlier, unfinished run left" in again.stdout
    assert again.returncode == 1, again.stdout[-3000:]
    assert "dbt build failed" in again.stderr
    assert f"Nothing was published: {published.resolve()} is unchanged" in again.stderr
    assert "no_such_var" in again.stdout  # dbt's own message names the var
    assert _digest(published) == before


# --------------------------------------------------------------------------- bounded memory


@pytest.mark.parametrize(("total", "limit"), [
    (24 * GIB, "8192MiB"),      # 40% is 9.6 GiB: capped at 8 GiB
    (16 * GIB, "6553MiB"),      # 40% of 16 GiB, in whole MiB
    (4 * GIB, "1638MiB"),
    (0, "4GB"),                 # unknown machine
])
def test_auto_memory_limit(total: int, limit: str) -> None:
    assert auto_memory_limit(total) == limit


def test_connect_settings_defaults_and_overrides() -> None:
    assert connect_settings({}, total_bytes=24 * GIB, cores=16) == {
        "memory_limit": "8192MiB", "threads": 16, "preserve_insertion_order": False,
        "storage_compatibility_version": "v1.4.0"}
    assert connect_settings({"memory_limit": "3GB", "threads": "2", "preserve_insertion_order": "true",
                             "temp_directory": "/spill", "storage_version": "latest"}, cores=16) == {
        "memory_limit": "3GB", "threads": 2, "preserve_insertion_order": True, "temp_directory": "/spill",
        "storage_compatibility_version": "latest"}
    for bad, message in (({"memory_limit": "lots"}, "MEMORY_LIMIT='lots' is not a size"),
                         ({"threads": "0"}, "THREADS='0'"),
                         ({"storage_version": "1.4"}, "STORAGE_VERSION='1.4'"),
                         ({"preserve_insertion_order": "maybe"}, "use true or false")):
        with pytest.raises(ValueError, match=message):
            connect_settings(bad)


def test_dbt_connections_get_the_settings(tmp_path: pathlib.Path) -> None:
    env = _env(tmp_path)
    env.update(ECOMOPS_WAREHOUSE=str(tmp_path / "w.duckdb"), ECOMOPS_DUCKDB_MEMORY_LIMIT="700MB",
               ECOMOPS_DUCKDB_THREADS="1", ECOMOPS_DUCKDB_TEMP_DIRECTORY=str(tmp_path / "spill"))
    dbt = pathlib.Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), "show", "--output", "json", "--inline",
         "select current_setting('memory_limit') as m, current_setting('threads') as t,"
         " current_setting('preserve_insertion_order') as p, current_setting('temp_directory') as d"],
        cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert '"m": "667.5 MiB"' in result.stdout  # DuckDB reports 700 MB (10^6) in MiB
    assert '"t": 1' in result.stdout
    assert '"p": false' in result.stdout
    assert f'"d": "{tmp_path / "spill"}"' in result.stdout


# --------------------------------------------------------------------------- BI clients


def test_the_warehouse_opens_in_the_duckdb_cli(warehouse: pathlib.Path) -> None:
    """The warehouse is written in the v1.4.0 storage format, so the DuckDB
    command-line client of the package registry (1.5.6, .venv/bin/duckdb),
    which refuses DuckDB 2.0's own format, reads its tables and views."""
    cli = pathlib.Path(sys.executable).with_name("duckdb")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tags = con.execute("select tags['storage_version'] from duckdb_databases() "
                           "where database_name = current_database()").fetchone()[0]
        view = con.execute("select table_schema || '.' || table_name from information_schema.tables "
                           "where table_type = 'VIEW' and table_schema in ('staging', 'intermediate', 'marts') "
                           "order by all limit 1").fetchone()[0]
        expected = {relation: con.execute(f"select count(*) from {relation}").fetchone()[0]
                    for relation in ("marts.fct_orders", "marts.fct_cohort_retention", view)}
    finally:
        con.close()
    assert tags == "v1.4.0+"
    for relation, rows in expected.items():
        result = subprocess.run([str(cli), "-readonly", "-noheader", "-csv", str(warehouse),
                                 "-c", f"select count(*) from {relation}"], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str(rows), relation
