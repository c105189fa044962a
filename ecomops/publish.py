"""``ecomops publish``: write, audit, publish.

BI tools read one DuckDB file, the *published* warehouse ($ECOMOPS_WAREHOUSE,
default ``warehouse.duckdb``). This command never writes it in place:

1. **write**: ``dbt build`` (models, seeds, data tests and unit tests) into a
   *candidate* file next to it, ``<name>.candidate.duckdb``: a copy of the
   published file, so that incremental models (docs/incremental.md) carry
   over from the last publish, or a new file when none is published yet or
   the dbt arguments hold ``--full-refresh``;
2. **audit**: the dbt build must pass (a failing error-level test fails it),
   then the Great Expectations checkpoint runs against the candidate;
3. **publish**: only then is the candidate checkpointed (no write-ahead log
   left) and renamed over the published file in one atomic ``rename``.

So a failed audit, or a build killed at any point, leaves the published file
byte for byte as it was; the candidate stays behind for inspection and the
next run replaces it. A reader holding the published file open keeps reading
the version it opened (the rename does not touch its open file) and never
blocks the build, which writes another file. New connections see the new
version, whole. DuckDB spills to ``<candidate>.tmp`` next to the files; the
disk must hold the published file, the candidate and the spill at once.

Everything after ``--`` goes to ``dbt build`` as is, e.g. for an export:
``python -m ecomops publish -- --vars "{raw_dir: '/data/export'}"
--exclude-resource-type unit_test --exclude path:seeds/raw`` (the committed
sample's raw seeds are not needed when the raw data comes from files). Exit status: 0 published, 1 the audit
failed (nothing published), 2 a usage or environment error.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Iterator, Sequence

DBT_FAILED = ("error", "fail", "runtime error")


class PublishError(Exception):
    """The audit failed or the publish cannot run: nothing was published."""


@dataclass(frozen=True)
class Paths:
    """The files of one published warehouse."""

    published: pathlib.Path

    @property
    def candidate(self) -> pathlib.Path:
        return self.published.with_name(self.published.stem + ".candidate" + self.published.suffix)

    @property
    def lock(self) -> pathlib.Path:
        return self.published.with_name(self.published.name + ".publish.lock")

    @staticmethod
    def wal(database: pathlib.Path) -> pathlib.Path:
        return database.with_name(database.name + ".wal")

    @staticmethod
    def spill(database: pathlib.Path) -> pathlib.Path:
        return database.with_name(database.name + ".tmp")


def _say(message: str) -> None:
    print(f"==> publish: {message}", flush=True)


@contextlib.contextmanager
def exclusive(paths: Paths) -> Iterator[None]:
    """Hold the publish lock of this warehouse, or fail at once: two publishes
    of one warehouse would overwrite each other's candidate."""
    paths.lock.parent.mkdir(parents=True, exist_ok=True)
    with paths.lock.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise PublishError(
                f"another publish of {paths.published} is running ({holder}); wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_candidate(paths: Paths) -> bool:
    """Delete a candidate (and its log and spill) left by an earlier run."""
    found = False
    for leftover in (paths.candidate, Paths.wal(paths.candidate)):
        if leftover.exists():
            leftover.unlink()
            found = True
    spill = Paths.spill(paths.candidate)
    if spill.exists():
        shutil.rmtree(spill, ignore_errors=True)
        found = True
    return found


def failed_nodes(run_results: pathlib.Path, limit: int = 20) -> list[str]:
    """'unique_id: status: first line of message' for each failed dbt node."""
    try:
        results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError):
        return []
    lines = []
    for result in results:
        if result.get("status") in DBT_FAILED:
            message = (result.get("message") or "").strip().splitlines()
            lines.append(f"{result['unique_id']}: {result['status']}: {message[0][:200] if message else ''}")
    return lines[:limit] + ([f"... and {len(lines) - limit} more"] if len(lines) > limit else [])


def _run(command: Sequence[str], env: dict[str, str]) -> int:
    """Run a step, its output streaming through (dbt prints a line per node)."""
    return subprocess.run(list(command), env=env, check=False).returncode


def seed_candidate(paths: Paths, dbt_args: Sequence[str]) -> bool:
    """Start the candidate as a copy of the published file; False when it starts empty.

    Incremental models merge each day's rows into the tables of the last
    publish, so the candidate must hold them. ``--full-refresh`` rebuilds
    every table, and starts from an empty file so that nothing of the old
    warehouse (a relation of a model since removed) survives."""
    if "--full-refresh" in dbt_args or not paths.published.exists():
        return False
    if Paths.wal(paths.published).exists():
        raise PublishError(
            f"{Paths.wal(paths.published)} exists: a process is writing {paths.published} directly, or one"
            " was killed while doing so; the candidate cannot start from it. Stop it (BI tools must open"
            " the warehouse read-only), or run with `-- --full-refresh` to build from nothing."
        )
    shutil.copyfile(paths.published, paths.candidate)
    return True


def build_candidate(paths: Paths, dbt_args: Sequence[str], env: dict[str, str]) -> None:
    """dbt build into the candidate; raise PublishError unless it passed."""
    if remove_candidate(paths):
        _say(f"removed the candidate an earlier, unfinished run left at {paths.candidate}")
    if seed_candidate(paths, dbt_args):
        _say(f"the candidate starts as a copy of {paths.published} (incremental models carry over)")
    dbt = pathlib.Path(sys.executable).with_name("dbt")
    command = [str(dbt) if dbt.exists() else "dbt", "build", *dbt_args]
    _say(f"write: {' '.join(command[1:])} into {paths.candidate}")
    code = _run(command, {**env, "ECOMOPS_WAREHOUSE": str(paths.candidate)})
    if code != 0:
        target = pathlib.Path(env.get("DBT_TARGET_PATH") or "target")
        failed = failed_nodes(target / "run_results.json")
        detail = ("\n  " + "\n  ".join(failed)) if failed else " (see the dbt output above)"
        raise PublishError(f"dbt build failed (exit {code}); the failed nodes:{detail}")


def audit_candidate(paths: Paths, profile: str, env: dict[str, str]) -> None:
    """The Great Expectations checkpoint against the candidate."""
    command = [sys.executable, "-m", "ecomops", "validate", "--warehouse", str(paths.candidate),
               "--profile", profile]
    _say(f"audit: Great Expectations checkpoint (profile {profile}) on the candidate")
    code = _run(command, env)
    if code != 0:
        raise PublishError(
            f"the Great Expectations checkpoint failed (exit {code}); its report is under reports/quality/"
        )


def _fsync(path: pathlib.Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish_candidate(paths: Paths) -> None:
    """Checkpoint the candidate and rename it over the published file.

    The rename is atomic on one filesystem: a reader opening the published
    path gets the old file or the new one, never a mix. A write-ahead log
    next to the published file would be replayed into the new file on its
    next open, so its presence stops the publish."""
    import duckdb

    published_wal = Paths.wal(paths.published)
    if published_wal.exists():
        raise PublishError(
            f"{published_wal} exists: a process is writing {paths.published} directly, or one was killed"
            " while doing so. Stop it (BI tools must open the warehouse read-only), then open the file"
            " once read-write to replay its log, e.g. "
            f"`python -c \"import duckdb; duckdb.connect('{paths.published}').execute('checkpoint')\"`"
        )
    con = duckdb.connect(str(paths.candidate))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    if Paths.wal(paths.candidate).exists():
        raise PublishError(f"{paths.candidate} kept a write-ahead log after its checkpoint; not publishing it")
    _fsync(paths.candidate)
    os.replace(paths.candidate, paths.published)
    _fsync(paths.published.parent)
    shutil.rmtree(Paths.spill(paths.candidate), ignore_errors=True)


def data_day(database: pathlib.Path) -> str:
    """The published warehouse's last data day (int_data_window), for the log."""
    import duckdb

    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        return "unknown"
    try:
        return str(con.execute("select data_end_date from intermediate.int_data_window").fetchone()[0])
    except (duckdb.Error, TypeError):
        return "unknown"
    finally:
        con.close()


def publish(published: pathlib.Path, dbt_args: Sequence[str], profile: str,
            env: dict[str, str] | None = None) -> pathlib.Path:
    """Write, audit and publish; return the published path. Raises PublishError."""
    paths = Paths(published.resolve())
    environment = dict(os.environ if env is None else env)
    started = time.monotonic()
    with exclusive(paths):
        try:
            build_candidate(paths, dbt_args, environment)
            audit_candidate(paths, profile, environment)
        except PublishError as error:
            raise PublishError(
                f"{error}\nNothing was published: {paths.published} is unchanged. The candidate is kept at"
                f" {paths.candidate} for inspection; the next publish replaces it."
            ) from None
        publish_candidate(paths)
    _say(f"published {paths.published} (data through {data_day(paths.published)}) "
         f"in {time.monotonic() - started:.0f} s")
    return paths.published


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = (
        "Each day a scheduler calls, from the repository:\n"
        "  ECOMOPS_WAREHOUSE=/srv/ecomops/warehouse.duckdb ECOMOPS_PII_SALT=... \\\n"
        "  .venv/bin/python -m ecomops publish -- --vars \"{raw_dir: '/exports/today'}\" "
        "--exclude-resource-type unit_test --exclude path:seeds/raw\n"
        "A non-zero exit means nothing was published; the message says which step failed and why."
    )
    parser.add_argument(
        "--warehouse", type=pathlib.Path,
        default=pathlib.Path(os.environ.get("ECOMOPS_WAREHOUSE", "warehouse.duckdb")),
        help="the published DuckDB file BI reads (default: $ECOMOPS_WAREHOUSE or warehouse.duckdb)",
    )
    parser.add_argument(
        "--profile", choices=("any", "sample"), default="any",
        help="Great Expectations profile of the audit: any (default) = the invariants of any export; "
             "sample = also the calibration checks of the committed sample",
    )
    parser.add_argument("dbt_args", nargs=argparse.REMAINDER,
                        help="after --: arguments for dbt build (selection, --vars, ...)")


def run(args: argparse.Namespace) -> int:
    dbt_args = list(args.dbt_args)
    if dbt_args[:1] == ["--"]:
        dbt_args = dbt_args[1:]
    if not args.warehouse.parent.exists():
        print(f"ecomops publish: the folder of {args.warehouse} does not exist: create it first", file=sys.stderr)
        return 2
    try:
        publish(args.warehouse, dbt_args, args.profile)
    except PublishError as error:
        print(f"ecomops publish: {error}", file=sys.stderr)
        return 1
    return 0
