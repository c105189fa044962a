"""The CLV fit on Spark: the three dbt Python models' code, run outside dbt, written back.

dbt-spark's session mode runs no Python models, so on the ``spark`` target
``make build-spark`` builds up to ``int_customer_clv_inputs``, then runs this
step, then tests the three tables and builds what reads them
(docs/spark.md, docs/decisions.md). The step:

1. reads dbt's manifest of the Spark build (``target_spark/manifest.json``):
   the schema and alias dbt gives ``int_customer_clv_inputs`` and the three
   CLV models (``generate_schema_name``), and the models' config
   (``monthly_discount_rate``, from var ``clv_monthly_discount_rate``);
2. opens a SparkSession the way dbt-spark's session mode does (Hive support,
   the metastore ``metastore_db`` and ``spark-warehouse`` of the working
   directory, the profile target's ``server_side_parameters``: UTC time zone,
   driver memory, ...);
3. reads the inputs and runs ``ecomops.clv.tables`` (the bodies of the three
   dbt Python models, calling ``ecomops.clv.fitting``);
4. writes each result as dbt's table materialization would: drop, then
   ``create table <schema>.<alias> as select ...``, with the column types
   DuckDB's build gives (string, timestamp, double, bigint, boolean).

Run it with ``.venv-spark/bin/python -m ecomops.clv.spark_step`` from the
repository root (where dbt-spark ran); ``--help`` lists the options.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import SparkSession

INPUT_MODEL = "int_customer_clv_inputs"
PARAMETERS_MODEL = "int_clv_parameters"
SCORES_MODEL = "int_customer_clv_scores"
HOLDOUT_MODEL = "int_clv_holdout_predictions"

# pandas dtype of ecomops.clv.fitting's column maps -> the Spark type of the
# column DuckDB's build gives it (VARCHAR, TIMESTAMP, DOUBLE, BIGINT, BOOLEAN).
SPARK_TYPES: dict[str, str] = {
    "string": "string",
    "datetime64[us]": "timestamp",
    "float64": "double",
    "int64": "bigint",
    "bool": "boolean",
}

# Only how rows cross between the JVM and pandas; not a profile setting.
TRANSFER_SETTINGS: dict[str, str] = {
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
}


class StepError(Exception):
    """A problem the user can fix; the message says how."""


@dataclass(frozen=True)
class Relation:
    """Where dbt puts a model on Spark."""

    schema: str
    alias: str

    def render(self) -> str:
        return f"`{self.schema}`.`{self.alias}`"


@dataclass(frozen=True)
class Plan:
    """What the manifest says: the relations and the config of the CLV models."""

    inputs: Relation
    outputs: dict[str, Relation]
    discount_rate_config: Any


def load_manifest(path: Path) -> dict[str, Any]:
    """dbt's manifest of a Spark build; refuses one written for another adapter."""
    if not path.is_file():
        raise StepError(f"no dbt manifest at {path}: build the CLV inputs on Spark first "
                        f"(make build-spark, or dbt build --target spark --target-path {path.parent})")
    manifest = json.loads(path.read_text())
    adapter = manifest.get("metadata", {}).get("adapter_type")
    if adapter != "spark":
        raise StepError(f"{path} was written by a {adapter!r} build, not Spark: point --manifest at the "
                        "manifest of dbt --target spark (make build-spark writes target_spark/manifest.json)")
    return manifest


def model_node(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    """The manifest node of model ``name`` of the root project."""
    project = manifest["metadata"].get("project_name", "ecomops")
    node = manifest.get("nodes", {}).get(f"model.{project}.{name}")
    if node is None:
        raise StepError(f"model {name} is not in the manifest: is this the ecomops project's manifest?")
    return node


def relation_of(node: dict[str, Any]) -> Relation:
    """The schema (generate_schema_name) and alias dbt gives a node."""
    return Relation(schema=node["schema"], alias=node.get("alias") or node["name"])


def plan_from_manifest(manifest: dict[str, Any]) -> Plan:
    """The input relation, the three output relations and the discount-rate config."""
    outputs = {name: relation_of(model_node(manifest, name))
               for name in (PARAMETERS_MODEL, SCORES_MODEL, HOLDOUT_MODEL)}
    scores_config = model_node(manifest, SCORES_MODEL).get("config", {})
    return Plan(relation_of(model_node(manifest, INPUT_MODEL)), outputs,
                scores_config.get("monthly_discount_rate"))


def session_parameters(profiles_dir: Path, profile: str, target: str) -> dict[str, str]:
    """The ``server_side_parameters`` of a session-mode target, rendered as dbt renders them (env_var ...)."""
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    set_invocation_context(os.environ)
    raw = read_profile(str(profiles_dir))
    if profile not in raw:
        raise StepError(f"no profile {profile!r} in {profiles_dir}/profiles.yml (set --profiles-dir or DBT_PROFILES_DIR)")
    _, data = Profile.render_profile(raw[profile], profile, target, ProfileRenderer({}))
    if data.get("type") != "spark" or data.get("method") != "session":
        raise StepError(f"target {target!r} is not a dbt-spark session target (type spark, method session): "
                        "the step opens a local SparkSession; choose the session target with --target")
    return {str(k): str(v) for k, v in (data.get("server_side_parameters") or {}).items()}


def open_session(parameters: dict[str, str]) -> SparkSession:
    """A SparkSession built as dbt-spark's session cursor builds it, on the working directory's metastore."""
    if not Path("metastore_db").is_dir():
        raise StepError(f"no metastore_db in {Path.cwd()}: run the step from the repository root, "
                        "after dbt build --target spark has built int_customer_clv_inputs there")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in {**parameters, **TRANSFER_SETTINGS}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def read_inputs(spark: SparkSession, relation: Relation) -> pd.DataFrame:
    """The CLV inputs table as pandas."""
    if not spark.catalog.tableExists(f"{relation.schema}.{relation.alias}"):
        raise StepError(f"{relation.render()} does not exist on Spark: build it first "
                        f"(dbt build --target spark -s +{INPUT_MODEL}, the first stage of make build-spark)")
    return spark.table(relation.render()).toPandas()


def spark_schema(columns: dict[str, str]) -> str:
    """A DDL schema string (``name type, ...``) for a frame with these pandas column types."""
    return ", ".join(f"`{name}` {SPARK_TYPES[dtype]}" for name, dtype in columns.items())


def write_table(spark: SparkSession, frame: pd.DataFrame, columns: dict[str, str], relation: Relation) -> None:
    """Replace ``relation`` with ``frame``, the way dbt-spark's table materialization does (drop, then CTAS)."""
    view = f"ecomops_clv_step_{relation.alias}"
    spark.createDataFrame(frame[list(columns)], schema=spark_schema(columns)).createOrReplaceTempView(view)
    if not spark.catalog.databaseExists(relation.schema):
        spark.sql(f"create schema if not exists `{relation.schema}`")
    if spark.catalog.tableExists(f"{relation.schema}.{relation.alias}"):
        kind = spark.catalog.getTable(f"{relation.schema}.{relation.alias}").tableType
        spark.sql(f"drop {'view' if kind == 'VIEW' else 'table'} if exists {relation.render()}")
    spark.sql(f"create table {relation.render()} as select * from {view}")
    spark.catalog.dropTempView(view)


def run(plan: Plan, spark: SparkSession) -> dict[str, int]:
    """Fit, score and write the three tables; rows written per model."""
    from ecomops.clv import tables

    rate = tables.monthly_discount_rate(plan.discount_rate_config)
    inputs = read_inputs(spark, plan.inputs)
    parameters = tables.clv_parameters(inputs)
    frames = {
        PARAMETERS_MODEL: parameters,
        SCORES_MODEL: tables.customer_clv_scores(inputs, parameters, rate),
        HOLDOUT_MODEL: tables.clv_holdout_predictions(inputs, parameters),
    }
    for name, frame in frames.items():
        write_table(spark, frame, tables.MODEL_COLUMNS[name], plan.outputs[name])
    return {name: len(frame) for name, frame in frames.items()}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ecomops.clv.spark_step",
        description="Fit the CLV models on Spark outside dbt (dbt-spark's session mode runs no Python "
                    "models) and write int_clv_parameters, int_customer_clv_scores and "
                    "int_clv_holdout_predictions where dbt would. Run from the repository root with "
                    ".venv-spark/bin/python, after dbt has built int_customer_clv_inputs on Spark.")
    parser.add_argument("--manifest", type=Path, default=Path("target_spark/manifest.json"),
                        help="dbt manifest of the Spark build (default: target_spark/manifest.json)")
    parser.add_argument("--profiles-dir", type=Path,
                        default=Path(os.environ.get("DBT_PROFILES_DIR", "profiles")),
                        help="folder of profiles.yml (default: $DBT_PROFILES_DIR, else profiles)")
    parser.add_argument("--profile", default="ecomops", help="profile name (default: ecomops)")
    parser.add_argument("--target", default="spark", help="session-mode target of the profile (default: spark)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # pandas is pinned to requirements.txt's 3.1.1 (the DuckDB build's), which pyspark
    # 4.3 warns about on every transfer; the step's parity with DuckDB is checked
    # by make test-spark (docs/spark.md).
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    started = time.monotonic()
    try:
        plan = plan_from_manifest(load_manifest(args.manifest))
        spark = open_session(session_parameters(args.profiles_dir, args.profile, args.target))
    except StepError as exc:
        print(f"spark_step: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"spark_step: {exc}: run it with .venv-spark/bin/python (make spark-venv creates it)",
              file=sys.stderr)
        return 2
    try:
        written = run(plan, spark)
    except (StepError, ValueError) as exc:
        print(f"spark_step: {exc}", file=sys.stderr)
        return 2
    finally:
        spark.stop()
    for name, rows in written.items():
        print(f"spark_step: {plan.outputs[name].render()} {rows} rows")
    print(f"spark_step: done in {time.monotonic() - started:.1f} s (inputs {plan.inputs.render()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
