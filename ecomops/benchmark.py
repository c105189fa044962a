"""Benchmark: generate raw data at a scale, build the warehouse on it, record
the figures.

The floor (ecomops/floor.py) is measured in the same run, after the build:
DuckDB reading every raw file once and writing tables the size of the built
marts; ``build_to_floor`` is the build's multiple of it, and
``slowest_nodes`` the nodes that cost the most.

Speed and memory are measured here, never in a timed test. Each step runs as a
child process; its wall time and peak resident memory (``ru_maxrss`` of the
children) are recorded. Results are appended to a JSON-lines file so runs on
different machines can be compared.

    ecomops benchmark --scale 10
    ecomops benchmark --scale 50 --daily   # also the export of the day before, then one day as an increment
    ecomops benchmark --scale 330 --format parquet --skip-build   # 1M orders
    ecomops benchmark --scale 1 --format csv --engine spark   # the sample, on a local Spark (ecomops/benchmark_spark.py)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import platform
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field

from ecomops import benchmark_spark
from ecomops.proc_tree import TreeSampler

REPO = pathlib.Path(__file__).resolve().parents[1]


@dataclass
class Step:
    """One timed step of the benchmark."""

    name: str
    seconds: float
    peak_rss_mb: float
    returncode: int
    # CPU seconds (user + system) of the step's processes: on a shared
    # machine, less disturbed by other load than the wall time.
    cpu_seconds: float = 0.0
    # The same two, of the step's whole process tree, sampled from /proc
    # (ecomops/proc_tree.py): they include processes nobody waits for, such
    # as Spark's JVM, which the two above miss.
    tree_peak_rss_mb: float = 0.0
    tree_cpu_seconds: float = 0.0


@dataclass
class Result:
    """A whole benchmark run."""

    started_at: str
    scale: float
    raw_format: str
    machine: str
    cpus: int
    # duckdb, or spark (ecomops/benchmark_spark.py: no floor, no lifetimes check).
    engine: str = "duckdb"
    memory_gb: float = 0.0
    duckdb_memory_limit: str = ""
    # The generator's --block-scale: users simulated in blocks of at most this scale.
    block_scale: float = 0.0
    steps: list[Step] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    # The floor (ecomops/floor.py) and the build's multiple of it.
    floor_read_seconds: float = 0.0
    floor_write_seconds: float = 0.0
    build_to_floor: float = 0.0
    # --daily: the increment's seconds as a share of the full build's.
    daily_to_full: float = 0.0
    # The same share in CPU seconds.
    daily_to_full_cpu: float = 0.0
    # The CLV inputs model against lifetimes on the built warehouse
    # (ecomops/clv/lifetimes_check.py): seconds of each, their ratio, and
    # whether every customer's values are identical.
    clv_inputs: dict[str, object] = field(default_factory=dict)
    # --engine spark: the Spark build's seconds, its stages summed, and the
    # session settings it ran with (the profile's environment overrides).
    spark_build_seconds: float = 0.0
    spark_settings: dict[str, str] = field(default_factory=dict)
    # The slowest nodes of the dbt build: [unique_id, seconds].
    slowest_nodes: list[list[object]] = field(default_factory=list)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``ecomops benchmark``."""
    parser.add_argument("--scale", type=float, default=10.0,
                        help="generator scale factor (1 = the committed sample; default 10)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet",
                        help="raw file format written and read (default parquet)")
    parser.add_argument("--workdir", type=pathlib.Path, default=None,
                        help="where raw files and the warehouse go (default: a temporary directory, removed after)")
    parser.add_argument("--block-scale", type=float, default=None, metavar="S",
                        help="the generator's --block-scale (default: the generator's, 250)")
    parser.add_argument("--skip-build", action="store_true",
                        help="only time the generator")
    parser.add_argument("--daily", action="store_true",
                        help="also time a daily run: build the export of the day before the last load day"
                             " from scratch, then the whole export as an increment (docs/incremental.md)")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                        help="build on DuckDB (default) or on a local Spark (.venv-spark: make spark-venv);"
                             " Spark records the build's stages, no floor")
    parser.add_argument("--threads", type=int, default=None,
                        help="dbt threads (default: the profile's)")
    parser.add_argument("--record", type=pathlib.Path, default=REPO / "docs" / "benchmarks.jsonl",
                        help="JSON-lines file the result is appended to (default docs/benchmarks.jsonl)")


def _children_peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux: the largest child so far.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(name: str, command: list[str], env: dict[str, str], cwd: pathlib.Path = REPO) -> Step:
    print(f"[benchmark] {name}: {' '.join(command)}", file=sys.stderr, flush=True)
    cpu_before = _children_cpu_seconds()
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env)
    with TreeSampler(proc.pid) as sampled:
        proc.wait()
    seconds = time.perf_counter() - start
    step = Step(name, round(seconds, 2), round(_children_peak_rss_mb(), 1), proc.returncode,
                round(_children_cpu_seconds() - cpu_before, 2), round(sampled.peak_rss_bytes / 1024 ** 2, 1),
                round(sampled.cpu_seconds, 2))
    print(f"[benchmark] {name}: {step.seconds:.1f} s ({step.cpu_seconds:.1f} CPU-s; process tree"
          f" {step.tree_cpu_seconds:.1f} CPU-s, peak {step.tree_peak_rss_mb:.0f} MB), exit {proc.returncode}",
          file=sys.stderr, flush=True)
    return step


def _lifetimes_comparison(work: pathlib.Path) -> dict[str, object]:
    """The CLV inputs against lifetimes on the built warehouse, or why not."""
    print("[benchmark] clv inputs against lifetimes", file=sys.stderr, flush=True)
    proc = subprocess.run(
        [sys.executable, "-m", "ecomops.clv.lifetimes_check", "--warehouse", str(work / "warehouse.duckdb"),
         "--target", str(work / "target")], cwd=REPO, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        return {"error": proc.stderr.strip()[-500:]}
    measured = json.loads(proc.stdout)
    print(f"[benchmark] clv inputs: project {measured['project_seconds']} s, lifetimes "
          f"{measured['lifetimes_seconds']} s, identical={measured['identical']}", file=sys.stderr, flush=True)
    return measured


def _count_rows(raw_dir: pathlib.Path, fmt: str) -> dict[str, int]:
    import duckdb

    con = duckdb.connect()
    rows: dict[str, int] = {}
    for path in sorted(raw_dir.glob(f"*.{fmt}")):
        reader = "read_parquet" if fmt == "parquet" else "read_csv"
        rows[path.stem] = con.execute(f"select count(*) from {reader}(?)", [str(path)]).fetchone()[0]
    con.close()
    return rows


def slowest_nodes(run_results: pathlib.Path, count: int = 12) -> list[list[object]]:
    """The `count` nodes of a dbt run with the longest execution time."""
    try:
        results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError):
        return []
    timed = sorted(((r.get("execution_time") or 0.0, r["unique_id"]) for r in results), reverse=True)
    return [[unique_id, round(seconds, 2)] for seconds, unique_id in timed[:count]]


def cut_before_last_load_day(raw_dir: pathlib.Path, fmt: str, out: pathlib.Path) -> str:
    """Write the export as it stood the day before: every raw row loaded
    before the last Asia/Shanghai day with a load (rows without a readable
    loaded_at kept). Returns that day."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    options = "" if fmt == "parquet" else ", all_varchar = true"
    con = duckdb.connect()
    shanghai = "cast(try_cast(loaded_at as timestamp) + interval 8 hour as date)"
    files = sorted(raw_dir.glob(f"*.{fmt}"))
    last_day = max(
        day for path in files
        if (day := con.execute(f"select max({shanghai}) from {reader}(?{options})", [str(path)]).fetchone()[0])
    )
    copy = "(format parquet)" if fmt == "parquet" else "(header true)"
    for path in files:
        con.execute(
            f"copy (select * from {reader}('{path}'{options}) where {shanghai} is null"
            f" or {shanghai} < date '{last_day}') to '{out / path.name}' {copy}"
        )
    con.close()
    return str(last_day)


def run(args: argparse.Namespace) -> int:
    """Run the benchmark and append the result to the record file."""
    if args.engine == "spark" and args.daily:
        print("benchmark: --daily is DuckDB's (docs/incremental.md); on Spark, make test-spark-incremental proves"
              " an increment: leave out --daily or --engine spark", file=sys.stderr)
        return 2
    if args.engine == "spark" and not (benchmark_spark.SPARK_BIN / "dbt").exists():
        print(f"benchmark: --engine spark needs {benchmark_spark.SPARK_BIN}: run make spark-venv first",
              file=sys.stderr)
        return 2
    bin_dir = pathlib.Path(sys.executable).parent
    owned = args.workdir is None
    work = pathlib.Path(tempfile.mkdtemp(prefix="ecomops-bench-")) if owned else args.workdir
    work.mkdir(parents=True, exist_ok=True)
    raw_dir = work / "raw"
    result = Result(
        started_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        scale=args.scale,
        raw_format=args.format,
        machine=f"{platform.machine()} {platform.system()}",
        cpus=os.cpu_count() or 0,
    )
    from ecomops.dbt.resources import connect_settings, physical_memory_bytes

    result.memory_gb = round(physical_memory_bytes() / 1024 ** 3, 1)
    result.duckdb_memory_limit = connect_settings(
        {"memory_limit": os.environ.get("ECOMOPS_DUCKDB_MEMORY_LIMIT", "auto")})["memory_limit"]
    env = dict(os.environ)
    # A build on files refuses the public development salt; generated data
    # needs no secret one, so a fresh random salt serves.
    env.setdefault("ECOMOPS_PII_SALT", secrets.token_hex(16))
    env.update(
        DBT_PROFILES_DIR=str(REPO / "profiles"),
        ECOMOPS_WAREHOUSE=str(work / "warehouse.duckdb"),
        DBT_TARGET_PATH=str(work / "target"),
        DBT_LOG_PATH=str(work / "logs"),
    )
    from ecomops.generate.pipeline import BLOCK_SCALE

    result.block_scale = BLOCK_SCALE if args.block_scale is None else args.block_scale
    try:
        step = _timed(
            "generate",
            [sys.executable, "-m", "ecomops", "generate", "--scale", str(args.scale), "--seed",
             str(args.seed), "--format", args.format, "--out", str(raw_dir),
             "--block-scale", str(result.block_scale)],
            env,
        )
        result.steps.append(step)
        if step.returncode != 0:
            return step.returncode
        result.rows = _count_rows(raw_dir, args.format)
        if not args.skip_build and args.engine == "spark":
            result.engine = "spark"
            result.spark_settings = benchmark_spark.session_settings(env)
            vars_json = json.dumps({"raw_dir": str(raw_dir), "raw_format": args.format})
            result.steps.extend(benchmark_spark.run_stages(vars_json, work, env, _timed))
            built = [step for step in result.steps if step.name.startswith(benchmark_spark.BUILD_STEP_PREFIX)]
            result.spark_build_seconds = round(sum(step.seconds for step in built), 2)
            result.slowest_nodes = slowest_nodes(work / "target_spark_build" / "run_results.json")
            print(f"[benchmark] Spark build: {result.spark_build_seconds:.1f} s in {len(built)} stages",
                  file=sys.stderr, flush=True)
        elif not args.skip_build and args.daily:
            before_dir = work / "raw_day_before"
            last_day = cut_before_last_load_day(raw_dir, args.format, before_dir)
            print(f"[benchmark] daily: the export before {last_day} in {before_dir}", file=sys.stderr, flush=True)
            daily_env = {**env, "ECOMOPS_WAREHOUSE": str(work / "daily.duckdb"),
                         "DBT_TARGET_PATH": str(work / "target_daily")}
            before_vars = json.dumps({"raw_dir": str(before_dir), "raw_format": args.format})
            full_vars = json.dumps({"raw_dir": str(raw_dir), "raw_format": args.format})
            excluded = ["--exclude", "resource_type:unit_test", "resource_type:seed"]
            result.steps.append(_timed("dbt seed (reference, daily)", [str(bin_dir / "dbt"), "seed", "--select",
                                                                        "path:seeds/reference", "--vars",
                                                                        before_vars], daily_env))
            result.steps.append(_timed("dbt build (the day before, from scratch)",
                                       [str(bin_dir / "dbt"), "build", "--vars", before_vars, *excluded], daily_env))
            result.steps.append(_timed(f"dbt build (increment: loads of {last_day})",
                                       [str(bin_dir / "dbt"), "build", "--vars", full_vars, *excluded], daily_env))
        if not args.skip_build and args.engine == "duckdb":
            vars_json = json.dumps({"raw_dir": str(raw_dir), "raw_format": args.format})
            command = [str(bin_dir / "dbt"), "build", "--vars", vars_json,
                       "--exclude", "resource_type:unit_test", "resource_type:seed"]
            if args.threads:
                command += ["--threads", str(args.threads)]
            # Reference seeds are still needed when raw files are read directly.
            seeds = _timed("dbt seed (reference)", [str(bin_dir / "dbt"), "seed", "--select",
                                                    "path:seeds/reference", "--vars", vars_json], env)
            result.steps.append(seeds)
            build = _timed("dbt build", command, env)
            result.steps.append(build)
            result.slowest_nodes = slowest_nodes(work / "target" / "run_results.json")
            if build.returncode == 0:
                floor_json = work / "floor.json"
                floor = _timed("floor", [sys.executable, "-m", "ecomops.floor", "--raw-dir", str(raw_dir),
                                         "--format", args.format, "--warehouse", str(work / "warehouse.duckdb"),
                                         "--out", str(work / "floor.duckdb"), "--json", str(floor_json)], env)
                result.steps.append(floor)
                result.clv_inputs = _lifetimes_comparison(work)
                increments = [step for step in result.steps if step.name.startswith("dbt build (increment")]
                if increments and increments[0].returncode == 0:
                    result.daily_to_full = round(increments[0].seconds / max(build.seconds, 0.01), 3)
                    result.daily_to_full_cpu = round(increments[0].cpu_seconds / max(build.cpu_seconds, 0.01), 3)
                if floor.returncode == 0:
                    measured = json.loads(floor_json.read_text(encoding="utf-8"))
                    result.floor_read_seconds = measured["read_seconds"]
                    result.floor_write_seconds = measured["write_seconds"]
                    result.build_to_floor = round(build.seconds / max(measured["seconds"], 0.01), 1)
                    print(f"[benchmark] dbt build = {result.build_to_floor} x the floor "
                          f"({measured['seconds']:.1f} s)", file=sys.stderr, flush=True)
    finally:
        if owned:
            shutil.rmtree(work, ignore_errors=True)
    args.record.parent.mkdir(parents=True, exist_ok=True)
    with args.record.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
    print(json.dumps(asdict(result), indent=2, ensure_ascii=False))
    return max((s.returncode for s in result.steps), default=0)
