"""ecomops benchmark --engine spark: its stages are make build-spark's (no Spark needed)."""

from __future__ import annotations

import argparse
import pathlib
import re
from dataclasses import dataclass

import pytest

from conftest import REPO
from ecomops import benchmark, benchmark_spark


def makefile_value(name: str) -> list[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{name}\s*:?=\s*(.*)$", text, flags=re.MULTILINE)
    assert match, name
    return match.group(1).split()


@pytest.fixture()
def fake_spark_bin(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    (tmp_path / "dbt").write_text("", encoding="utf-8")
    monkeypatch.setattr(benchmark_spark, "SPARK_BIN", tmp_path)
    return tmp_path


def test_clv_models_are_the_makefiles() -> None:
    assert benchmark_spark.CLV_MODELS == makefile_value("SPARK_CLV_MODELS")


def test_stages_leave_out_the_clv_models_then_build_what_reads_them(fake_spark_bin: pathlib.Path,
                                                                     tmp_path: pathlib.Path) -> None:
    stages = dict(benchmark_spark.stage_commands('{"raw_dir": "/x"}', tmp_path))
    names = list(stages)
    assert names[0].startswith("dbt seed") and not names[0].startswith(benchmark_spark.BUILD_STEP_PREFIX)
    assert all(name.startswith(benchmark_spark.BUILD_STEP_PREFIX) for name in names[1:])
    first, fit, clv_test, downstream = (stages[name] for name in names[1:])
    excluded = first[first.index("--exclude") + 1:]
    assert {"int_clv_parameters+", "int_customer_clv_scores+", "int_clv_holdout_predictions+"} <= set(excluded)
    assert first[first.index("--target") + 1] == "spark"
    # The fit reads the manifest the first build wrote.
    assert fit[fit.index("--manifest") + 1] == str(tmp_path / "target_spark_build" / "manifest.json")
    assert first[first.index("--target-path") + 1] == str(tmp_path / "target_spark_build")
    assert clv_test[1] == "test" and clv_test[clv_test.index("--select") + 1:][:3] == benchmark_spark.CLV_MODELS
    selected = downstream[downstream.index("--select") + 1:downstream.index("--project-dir") - 2]
    assert selected == [f"{model}+" for model in benchmark_spark.CLV_MODELS]
    assert set(benchmark_spark.CLV_MODELS) <= set(downstream[downstream.index("--exclude") + 1:])
    assert downstream[downstream.index("--indirect-selection") + 1] == "buildable"


@dataclass
class FakeStep:
    name: str
    returncode: int


def test_run_stages_stops_at_the_first_failure(fake_spark_bin: pathlib.Path, tmp_path: pathlib.Path) -> None:
    calls = []

    def timed(name: str, command: list[str], env: dict[str, str], cwd: pathlib.Path) -> FakeStep:
        calls.append((name, cwd, env["PYTHONPATH"]))
        return FakeStep(name, 1 if "CLV fit" in name else 0)

    steps = benchmark_spark.run_stages("{}", tmp_path, {}, timed)
    assert [step.returncode for step in steps] == [0, 0, 1]
    assert {cwd for _name, cwd, _path in calls} == {tmp_path / "spark"}
    assert {path for _name, _cwd, path in calls} == {str(REPO)}


def test_no_spark_environment_says_what_to_run(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(benchmark_spark, "SPARK_BIN", tmp_path / "missing")
    with pytest.raises(benchmark_spark.SparkEnvironmentMissing, match="make spark-venv"):
        benchmark_spark.stage_commands("{}", tmp_path)
    parser = argparse.ArgumentParser()
    benchmark.add_arguments(parser)
    args = parser.parse_args(["--engine", "spark", "--record", str(tmp_path / "record.jsonl")])
    assert benchmark.run(args) == 2
    assert not (tmp_path / "record.jsonl").exists()


def test_spark_refuses_daily(fake_spark_bin: pathlib.Path, tmp_path: pathlib.Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    benchmark.add_arguments(parser)
    args = parser.parse_args(["--engine", "spark", "--daily", "--record", str(tmp_path / "record.jsonl")])
    assert benchmark.run(args) == 2
    assert "make test-spark-incremental" in capsys.readouterr().err


def test_session_settings_are_the_profiles_defaults_or_the_environment() -> None:
    profile = (REPO / "profiles" / "profiles.yml").read_text(encoding="utf-8")
    for name, default in benchmark_spark.SESSION_DEFAULTS.items():
        assert f"env_var('{name}', '{default}')" in profile, name
    assert benchmark_spark.session_settings({"ECOMOPS_SPARK_DRIVER_MEMORY": "8g"}) == {
        "ECOMOPS_SPARK_DRIVER_MEMORY": "8g", "ECOMOPS_SPARK_SHUFFLE_PARTITIONS": "4"}
