"""Each kind of Great Expectations rule fires on a corrupted copy of a mart.

The committed suites (gx/) are run on Parquet snapshots of marts taken from
the warehouse built from the sample, after one defect per rule has been
planted on its own rows. The test asserts the exact set of failing
expectations: each planted defect is caught by its rule and by no other, and
nothing else fails. The uncorrupted snapshots pass, under both profiles.

The calibration checks (a mean band tuned to the sample) run only under
``--profile sample``: under ``--profile any`` the same corrupted snapshot
fails only its invariants, and no calibration suite runs at all.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import shutil

import duckdb
import pandas as pd
import pytest

from ecomops.quality import warehouse as wh
from ecomops.quality.gx_project import COMMITTED, GX_ROOT, TABLES_DIR, snapshot_file
from ecomops.quality.spec import suite_by_model
from ecomops.quality.validate import SuiteOutcome, run_suites

MODELS = ("fct_orders", "dim_users", "fct_channel_performance_daily")


@pytest.fixture(scope="module")
def project(warehouse: pathlib.Path, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the committed GX project with clean snapshots, and the parameters."""
    root = tmp_path_factory.mktemp("gx_project") / "gx"
    root.mkdir()
    for name in COMMITTED:
        source = GX_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    suites = [suite_by_model()[model] for model in MODELS]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for suite in suites:
            wh.export_snapshot(con, suite.relation, root / TABLES_DIR / snapshot_file(suite))
        params = wh.parameters(con, suites, wh.data_span(con)).values
    finally:
        con.close()
    clean = {suite.model: pd.read_parquet(root / TABLES_DIR / snapshot_file(suite)) for suite in suites}
    return root, suites, params, clean


def _validate(root, suites, params, frames: dict[str, pd.DataFrame],
              profile: str = "sample") -> dict[str, SuiteOutcome]:
    for suite in suites:
        frames[suite.model].to_parquet(root / TABLES_DIR / snapshot_file(suite), index=False)
    outcomes = run_suites(root, suites, params, profile=profile, whole_checkpoint=False, build_docs=False)
    return {outcome.suite: outcome for outcome in outcomes}


def _failing(outcome: SuiteOutcome) -> set[tuple[str, str]]:
    return {(failure.expectation_type, failure.column) for failure in outcome.failures}


def test_clean_snapshots_pass(project) -> None:
    root, suites, params, clean = project
    outcomes = _validate(root, suites, params, {name: frame.copy() for name, frame in clean.items()})
    # every table of MODELS has calibration checks too
    expected = set(MODELS) | {f"{model}__calibration" for model in MODELS}
    assert {name: _failing(outcome) for name, outcome in outcomes.items()} == {name: set() for name in expected}


def _rows(frame: pd.DataFrame, mask: pd.Series, count: int) -> list[int]:
    """``count`` distinct row labels matching ``mask``, in order."""
    labels = list(frame.index[mask.to_numpy()])
    assert len(labels) >= count
    return labels[:count]


def test_each_kind_of_expectation_fires_on_its_defect(project) -> None:
    root, suites, params, clean = project
    orders = clean["fct_orders"].copy()
    unpaid = _rows(orders, ~orders["is_paid"], 3)
    delivered = _rows(orders, orders["is_paid"] & orders["delivered_at"].notna(), 8)
    # row count: one row fewer than staging (bounds 1.0-1.0 x stg_shop__orders)
    orders = orders.drop(index=unpaid[0])
    # primary key: a second row takes the first row's order_id
    orders.loc[delivered[1], "order_id"] = orders.loc[delivered[0], "order_id"]
    # completeness
    orders.loc[delivered[2], "user_id"] = None
    # non-negative amount
    orders.loc[delivered[3], "discount_amount_cny"] = -5.0
    # non-negative order amount (an unpaid order, so GMV is untouched; 0 is a
    # valid amount: full-coupon orders, gifts, free samples)
    orders.loc[unpaid[1], "order_amount_cny"] = -0.01
    # date inside the data's span
    orders.loc[delivered[4], "placed_date"] = dt.date(2030, 1, 1)
    # allowed set
    orders.loc[delivered[5], "order_channel"] = "tiktok"
    # cross-column order: delivered before shipped
    orders.loc[delivered[6], "delivered_at"] = orders.loc[delivered[6], "shipped_at"] - pd.Timedelta(days=1)
    # explicit range: paid order sequence starts at 1
    orders.loc[delivered[7], "paid_order_sequence"] = 0
    # calibration (distribution): AOV three times the reports' band
    orders.loc[orders["is_paid"], "paid_gmv_cny"] = orders.loc[orders["is_paid"], "paid_gmv_cny"] * 3

    users = clean["dim_users"].copy()
    # PIPL: a phone number in clear text where a SHA-256 hash belongs
    users.loc[users.index[0], "phone_hash"] = "13812345678"

    channels = clean["fct_channel_performance_daily"].copy()
    # compound key (date_day, channel): a second row takes the first row's key
    channels.loc[channels.index[1], ["date_day", "channel"]] = channels.loc[
        channels.index[0], ["date_day", "channel"]
    ].to_numpy()
    # rate in [0, 1]
    channels.loc[channels.index[2], "visit_to_pay_conversion"] = 1.5

    outcomes = _validate(root, suites, params, {
        "fct_orders": orders, "dim_users": users, "fct_channel_performance_daily": channels,
    })
    invariants = {
        ("expect_table_row_count_to_be_between", ""),
        ("expect_column_values_to_be_unique", "order_id"),
        ("expect_column_values_to_not_be_null", "user_id"),
        ("expect_column_values_to_be_between", "discount_amount_cny"),
        ("expect_column_values_to_be_between", "order_amount_cny"),
        ("expect_column_values_to_be_between", "placed_date"),
        ("expect_column_values_to_be_in_set", "order_channel"),
        ("expect_column_pair_values_a_to_be_greater_than_b", "delivered_at, shipped_at"),
        ("expect_column_values_to_be_between", "paid_order_sequence"),
    }
    assert _failing(outcomes["fct_orders"]) == invariants
    assert _failing(outcomes["fct_orders__calibration"]) == {("expect_column_mean_to_be_between", "paid_gmv_cny")}
    assert _failing(outcomes["fct_channel_performance_daily__calibration"]) == set()
    assert _failing(outcomes["dim_users__calibration"]) == set()
    assert _failing(outcomes["dim_users"]) == {("expect_column_values_to_match_regex", "phone_hash")}
    assert _failing(outcomes["fct_channel_performance_daily"]) == {
        ("expect_compound_columns_to_be_unique", "date_day, channel"),
        ("expect_column_values_to_be_between", "visit_to_pay_conversion"),
    }
    # The observed values a reader sees name the defect.
    observed = {(failure.expectation_type, failure.column): failure.observed
                for failure in outcomes["fct_orders"].failures}
    assert observed[("expect_table_row_count_to_be_between", "")] == str(len(clean["fct_orders"]) - 1)
    assert observed[("expect_column_values_to_be_in_set", "order_channel")] == (
        f"1 of {len(orders)} rows unexpected, e.g. tiktok")
    assert "2030-01-01" in observed[("expect_column_values_to_be_between", "placed_date")]


def test_calibration_checks_run_only_under_profile_sample(project) -> None:
    """The AOV band is a calibration check: --profile any skips it (and every
    other calibration suite), --profile sample runs it and it fails."""
    root, suites, params, clean = project
    orders = clean["fct_orders"].copy()
    orders.loc[orders["is_paid"], "paid_gmv_cny"] = orders.loc[orders["is_paid"], "paid_gmv_cny"] * 3
    frames = {**{name: frame.copy() for name, frame in clean.items()}, "fct_orders": orders}

    any_export = _validate(root, suites, params, dict(frames), profile="any")
    assert set(any_export) == set(MODELS)
    assert all(outcome.success for outcome in any_export.values())
    assert "expect_column_mean_to_be_between" not in {
        item.expectation_type for outcome in any_export.values() for item in outcome.expectations}

    sample = _validate(root, suites, params, dict(frames), profile="sample")
    assert sample["fct_orders"].success
    assert _failing(sample["fct_orders__calibration"]) == {("expect_column_mean_to_be_between", "paid_gmv_cny")}
    assert sample["fct_orders__calibration"].kind == "calibration"
