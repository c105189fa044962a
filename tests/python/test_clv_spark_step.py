"""The CLV step for Spark (ecomops.clv.spark_step) and the code it shares with the dbt Python models.

No Spark here: what can go wrong before a SparkSession opens (the manifest,
the profile, the column types) and the shared table functions
(ecomops.clv.tables). make test-spark runs the step on a real Spark build and
compares its tables with DuckDB's (docs/spark.md).
"""

from __future__ import annotations

import json
import pathlib

import duckdb
import numpy as np
import pandas as pd
import pytest

from ecomops.clv import fitting, spark_step, tables

REPO = pathlib.Path(__file__).resolve().parents[2]


def _manifest(adapter: str = "spark") -> dict:
    def node(name: str, schema: str = "intermediate", **config: object) -> dict:
        return {"name": name, "schema": schema, "alias": name, "config": dict(config)}

    return {
        "metadata": {"adapter_type": adapter, "project_name": "ecomops"},
        "nodes": {
            "model.ecomops.int_customer_clv_inputs": node("int_customer_clv_inputs"),
            "model.ecomops.int_clv_parameters": node("int_clv_parameters"),
            "model.ecomops.int_customer_clv_scores": node("int_customer_clv_scores", monthly_discount_rate="0.01"),
            "model.ecomops.int_clv_holdout_predictions": node("int_clv_holdout_predictions", schema="other"),
        },
    }


def _inputs(n: int = 300, seed: int = 5) -> pd.DataFrame:
    """int_customer_clv_inputs-shaped rows, every customer in the calibration window."""
    rng = np.random.default_rng(seed)
    age = rng.integers(60, 480, n)
    x = rng.poisson(1.5, n)
    t_x = np.where(x > 0, np.floor(age * rng.uniform(0.2, 1.0, n)), 0).astype(int)
    value = np.where(x > 0, np.round(x * rng.gamma(3.0, 40.0, n), 2), np.nan)
    return pd.DataFrame({
        "user_id": np.arange(1, n + 1, dtype="int64"),
        "as_of_date": pd.Series([pd.Timestamp("1998-12-31")] * n, dtype="datetime64[us]"),
        "repeat_purchase_days": x, "recency_days": t_x, "age_days": age,
        "repeat_purchase_value_cny": value,
        "calibration_end_date": pd.Series([pd.Timestamp("1998-08-31")] * n, dtype="datetime64[us]"),
        "is_in_calibration": np.ones(n, dtype=bool),
        "calibration_repeat_purchase_days": x, "calibration_recency_days": t_x,
        "calibration_age_days": np.maximum(age - 122, t_x),
        "calibration_repeat_purchase_value_cny": value,
        "holdout_days": np.full(n, 122), "holdout_repeat_purchase_days": np.zeros(n, dtype=int),
    })


def test_the_plan_comes_from_the_manifest() -> None:
    plan = spark_step.plan_from_manifest(_manifest())
    assert plan.inputs == spark_step.Relation("intermediate", "int_customer_clv_inputs")
    assert plan.outputs["int_clv_holdout_predictions"].render() == "`other`.`int_clv_holdout_predictions`"
    assert tables.monthly_discount_rate(plan.discount_rate_config) == 0.01


def test_a_missing_or_duckdb_manifest_says_what_to_run(tmp_path: pathlib.Path) -> None:
    with pytest.raises(spark_step.StepError, match="build the CLV inputs on Spark first"):
        spark_step.load_manifest(tmp_path / "manifest.json")
    (tmp_path / "manifest.json").write_text(json.dumps(_manifest("duckdb")))
    with pytest.raises(spark_step.StepError, match="--target spark"):
        spark_step.load_manifest(tmp_path / "manifest.json")
    assert spark_step.main(["--manifest", str(tmp_path / "manifest.json")]) == 2


def test_no_discount_rate_config_is_an_error() -> None:
    with pytest.raises(ValueError, match="clv_monthly_discount_rate"):
        tables.monthly_discount_rate(None)


def test_the_session_uses_the_profile_targets_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOMOPS_SPARK_DRIVER_MEMORY", "3g")
    parameters = spark_step.session_parameters(REPO / "profiles", "ecomops", "spark")
    assert parameters["spark.sql.session.timeZone"] == "UTC"
    assert parameters["spark.driver.memory"] == "3g"
    with pytest.raises(spark_step.StepError, match="not a dbt-spark session target"):
        spark_step.session_parameters(REPO / "profiles", "ecomops", "dev")


@pytest.mark.parametrize("model", sorted(tables.MODEL_COLUMNS))
def test_spark_column_types_are_the_duckdb_builds(model: str) -> None:
    """The type each column gets on DuckDB (dbt-duckdb writes the frame) is the Spark type the step declares."""
    duck_to_spark = {"VARCHAR": "string", "TIMESTAMP": "timestamp", "DOUBLE": "double",
                     "BIGINT": "bigint", "BOOLEAN": "boolean"}
    columns = tables.MODEL_COLUMNS[model]
    con = duckdb.connect()
    try:
        con.register("frame", fitting.empty_frame(columns))
        con.execute("create table written as select * from frame")
        duck = con.execute("describe written").fetchall()
    finally:
        con.close()
    declared = [part.split(" ", 1) for part in spark_step.spark_schema(columns).split(", ")]
    assert [(f"`{name}`", duck_to_spark[dtype]) for name, dtype, *_ in duck] == [tuple(d) for d in declared]


def test_the_shared_tables_do_not_depend_on_row_order() -> None:
    inputs = _inputs()
    shuffled = inputs.sample(frac=1.0, random_state=9)
    parameters = tables.clv_parameters(inputs)
    assert parameters["is_converged"].all()
    assert parameters.equals(tables.clv_parameters(shuffled))
    assert tables.customer_clv_scores(inputs, parameters, 0.01).equals(
        tables.customer_clv_scores(shuffled, parameters, 0.01))
    assert tables.clv_holdout_predictions(inputs, parameters).equals(
        tables.clv_holdout_predictions(shuffled, parameters))
