"""The Spark build of ``ecomops benchmark --engine spark`` (docs/spark.md).

The same stages as ``make build-spark``, on the generated export (var
raw_dir) instead of the seeds, each a timed child process of
``.venv-spark``, run in ``<workdir>/spark`` (where the local metastore and
the tables live, apart from the checkout's):

1. ``dbt seed`` of the reference seeds;
2. ``dbt build`` of every model less the three CLV Python models and what
   reads them (dbt-spark's session mode runs no Python models);
3. the CLV fit outside dbt (``python -m ecomops.clv.spark_step``);
4. ``dbt test`` of the three CLV models;
5. ``dbt build`` of what reads them.

Unit tests are left out, as in the DuckDB benchmark (they do not depend on
the data). The Spark build's time is the sum of steps 2 to 5.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable

REPO = pathlib.Path(__file__).resolve().parents[1]
SPARK_BIN = REPO / ".venv-spark" / "bin"
# The Makefile's SPARK_CLV_MODELS (tests/python/test_benchmark_spark.py checks the copy).
CLV_MODELS = ["int_clv_parameters", "int_customer_clv_scores", "int_clv_holdout_predictions"]
# Steps 2 to 5 (the build): their names start with this.
BUILD_STEP_PREFIX = "spark: "


# The profile's Spark settings read from the environment, with its defaults.
SESSION_DEFAULTS = {"ECOMOPS_SPARK_DRIVER_MEMORY": "2g", "ECOMOPS_SPARK_SHUFFLE_PARTITIONS": "4"}


def session_settings(env: dict[str, str]) -> dict[str, str]:
    """The Spark session settings a run gets (profiles/profiles.yml)."""
    return {name: env.get(name, default) for name, default in SESSION_DEFAULTS.items()}


class SparkEnvironmentMissing(RuntimeError):
    """No .venv-spark to run the Spark build with."""


def stage_commands(vars_json: str, work: pathlib.Path) -> list[tuple[str, list[str]]]:
    """(step name, command) of each stage, in order."""
    if not (SPARK_BIN / "dbt").exists():
        raise SparkEnvironmentMissing(
            f"no {SPARK_BIN / 'dbt'}: run make spark-venv first (it creates .venv-spark; Java 17 must be on PATH)")
    dbt = str(SPARK_BIN / "dbt")

    def flags(stage: str) -> list[str]:
        target = work / f"target_spark_{stage}"
        return ["--vars", vars_json, "--project-dir", str(REPO), "--target", "spark",
                "--target-path", str(target), "--log-path", str(target / "logs")]

    downstream = [f"{model}+" for model in CLV_MODELS]
    no_unit = ["resource_type:unit_test"]
    return [
        ("dbt seed (reference, Spark)", [dbt, "seed", "--select", "path:seeds/reference", *flags("seed")]),
        (f"{BUILD_STEP_PREFIX}dbt build less the CLV models",
         [dbt, "build", *flags("build"), "--indirect-selection", "cautious",
          "--exclude", *no_unit, "resource_type:seed", *downstream]),
        (f"{BUILD_STEP_PREFIX}CLV fit (ecomops.clv.spark_step)",
         [str(SPARK_BIN / "python"), "-m", "ecomops.clv.spark_step",
          "--manifest", str(work / "target_spark_build" / "manifest.json")]),
        (f"{BUILD_STEP_PREFIX}dbt test of the CLV models",
         [dbt, "test", "--select", *CLV_MODELS, *flags("clv_test"), "--indirect-selection", "cautious",
          "--exclude", *no_unit]),
        (f"{BUILD_STEP_PREFIX}dbt build of what reads them",
         [dbt, "build", "--select", *downstream, *flags("downstream"), "--indirect-selection", "buildable",
          "--exclude", *CLV_MODELS, *no_unit, "resource_type:seed"]),
    ]


def run_stages(vars_json: str, work: pathlib.Path, env: dict[str, str],
               timed: Callable[..., object]) -> list[object]:
    """Run every stage with `timed(name, command, env, cwd=...)`; stop at the first failure."""
    spark_dir = work / "spark"
    spark_dir.mkdir(parents=True, exist_ok=True)
    # spark_step imports ecomops from the checkout; the metastore is spark_dir.
    spark_env = {**env, "PYTHONPATH": str(REPO)}
    steps = []
    for name, command in stage_commands(vars_json, work):
        step = timed(name, command, spark_env, cwd=spark_dir)
        steps.append(step)
        if getattr(step, "returncode", 1) != 0:
            break
    return steps
