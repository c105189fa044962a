"""Independent checks of the experiment-rigour marts (issue 14, item 5).

Recomputed in Python from the user-level tables of the built warehouse and
compared with the marts:

- fct_experiment_checks: the sample-ratio-mismatch test, from the first
  assignment of each user (int_experiment_user_outcomes) and the design split
  of dbt_project.yml, by ``scipy.stats.chisquare``;
- fct_experiment_results: the Holm and Benjamini-Hochberg adjusted p-values,
  from the mart's raw p-values by the textbook step-down / step-up rules
  written here (statsmodels is not installed);
- fct_experiment_cuped: the pre-assignment covariates rebuilt from
  int_user_activity_daily (the lookback window in Python dates), theta, the
  adjusted means and the Welch test on the adjusted values by numpy and
  ``scipy.stats.ttest_ind``.

A broken split is not in the committed sample (regenerating seeds/raw would
move every figure): the unit test test_fct_experiment_checks_sample_ratio_mismatch
(models/marts/retention/_retention__models.yml) feeds one (20 vs 2 users).
"""

from __future__ import annotations

import datetime as dt
import pathlib
from collections import defaultdict

import numpy as np
import pytest
import yaml
from scipy import stats

REPO = pathlib.Path(__file__).resolve().parents[2]
PER_USER_METRICS = ("d1_retention", "d7_retention", "d30_retention", "first_paid_order_conversion",
                    "gmv_per_user_cny")


def project_vars() -> dict:
    with open(REPO / "dbt_project.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["vars"]


def close(actual, expected, tolerance: float) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    return abs(actual - expected) <= tolerance * max(1.0, abs(expected))


def readout_users(con) -> dict[tuple[str, str], dict[str, list[int]]]:
    """(readout, experiment) -> group -> user ids, from the first assignments."""
    out: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for experiment_id, user_id, group_name, control in con.execute(
        "select experiment_id, user_id, group_name, control_group_name from intermediate.int_experiment_user_outcomes"
    ).fetchall():
        out[("ab_test", experiment_id)][group_name].append(user_id)
        if group_name == control:
            half = f"{control}_even" if user_id % 2 == 0 else f"{control}_odd"
            out[("aa_check", experiment_id)][half].append(user_id)
    return out


# --------------------------------------------------------------------------
# Sample-ratio mismatch
# --------------------------------------------------------------------------

def test_sample_ratio_mismatch_matches_scipy(connect) -> None:
    project = project_vars()
    splits = project["experiment_design_splits"]
    threshold = project["experiment_srm_p_value_below"]
    columns = ["experiment_id", "readout_type", "design_groups", "observed_groups", "total_users",
               "undesigned_users", "chi_square_statistic", "degrees_of_freedom", "p_value",
               "is_sample_ratio_mismatch", "observed_users_by_group"]
    mart = {
        (row[1], row[0]): dict(zip(columns, row))
        for row in connect.execute(f"select {', '.join(columns)} from marts.fct_experiment_checks").fetchall()
    }
    users = readout_users(connect)
    assert mart.keys() == users.keys()
    for (readout, experiment_id), groups in users.items():
        row = mart[(readout, experiment_id)]
        if readout == "ab_test":
            design = splits.get(experiment_id, splits["default"])
        else:
            control = next(name for name in groups if name.endswith("_even") or name.endswith("_odd"))
            base = control.rsplit("_", 1)[0]
            design = {f"{base}_even": 0.5, f"{base}_odd": 0.5}
        names = sorted(design)
        total = sum(len(ids) for ids in groups.values())
        observed = [len(groups.get(name, [])) for name in names]
        expected = [total * design[name] / sum(design.values()) for name in names]
        undesigned = sum(len(ids) for name, ids in groups.items() if name not in design)
        result = stats.chisquare(observed, expected, sum_check=False) if undesigned else stats.chisquare(
            observed, expected)
        assert row["total_users"] == total
        assert row["design_groups"] == len(names)
        assert row["observed_groups"] == sum(1 for ids in groups.values() if ids)
        assert row["undesigned_users"] == undesigned
        assert row["degrees_of_freedom"] == len(names) - 1
        assert row["observed_users_by_group"] == ", ".join(f"{name}={len(groups[name])}" for name in sorted(groups))
        assert close(row["chi_square_statistic"], float(result.statistic), 1e-12), row
        assert abs(row["p_value"] - float(result.pvalue)) <= 2e-7, (row, result)
        assert row["is_sample_ratio_mismatch"] == (result.pvalue < threshold or undesigned > 0)


def test_sample_flags_only_the_broken_split(connect) -> None:
    """The committed sample (docs/sample_data.md): coupon_push_2025q2 (572 / 571) and the A/A test
    homepage_banner_aa_2025q3 are healthy 50/50 splits; search_ranking_2025q4 lost half of group B's
    assignment rows, so its A/B readout - and only it - is flagged before anyone reads its result."""
    flagged = connect.execute(
        "select experiment_id, readout_type from marts.fct_experiment_checks where is_sample_ratio_mismatch"
    ).fetchall()
    assert flagged == [("search_ranking_2025q4", "ab_test")]
    checked = {row[0] for row in connect.execute("select experiment_id from marts.fct_experiment_checks").fetchall()}
    assert checked == {"coupon_push_2025q2", "homepage_banner_aa_2025q3", "search_ranking_2025q4"}


def test_aa_experiment_shows_no_effect(connect) -> None:
    """The A/A test changes no behaviour: no metric of its readout is significant once the
    metrics are read together (Holm), and its CUPED rows agree."""
    rows = connect.execute(
        "select metric_name, p_value, p_value_holm from marts.fct_experiment_results"
        " where experiment_id = 'homepage_banner_aa_2025q3' and readout_type = 'ab_test' and not is_control"
    ).fetchall()
    assert len(rows) >= 5, rows
    assert all(holm is not None and holm >= 0.05 for _, _, holm in rows), rows


def test_chi_square_matches_scipy_on_a_broken_split() -> None:
    """The scipy side of the unit test's broken split (20 vs 2 users, 50/50):
    the literals of the unit test description and the singular test."""
    result = stats.chisquare([20, 2], [11, 11])
    assert abs(result.statistic - 162 / 11) < 1e-12
    assert abs(result.pvalue - 0.00012423612343122087) < 1e-15
    assert result.pvalue < project_vars()["experiment_srm_p_value_below"]


# --------------------------------------------------------------------------
# Multiple testing
# --------------------------------------------------------------------------

def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(order, start=1):
        running = max(running, min(1.0, (m - rank + 1) * p_values[index]))
        adjusted[index] = running
    return adjusted


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg step-up adjusted p-values, in the input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    for position, index in enumerate(order):
        adjusted[index] = min(
            1.0, min(m * p_values[order[later]] / (later + 1) for later in range(position, m))
        )
    return adjusted


def test_holm_and_bh_match_definition(connect) -> None:
    rows = connect.execute(
        "select experiment_id, readout_type, group_name, metric_name, p_value, tested_metrics,"
        " p_value_holm, is_significant_holm, p_value_bh, is_significant_bh from marts.fct_experiment_results"
    ).fetchall()
    families: dict[tuple, list[tuple]] = defaultdict(list)
    for row in rows:
        if row[4] is None:
            assert row[5] is None and row[6] is None and row[8] is None and not row[7] and not row[9], row
        else:
            families[row[:3]].append(row)
    assert families
    for family, members in families.items():
        p_values = [member[4] for member in members]
        for member, expected_holm, expected_bh in zip(members, holm(p_values), benjamini_hochberg(p_values)):
            assert member[5] == len(members), member
            assert abs(member[6] - expected_holm) <= 1e-12, (member, expected_holm)
            assert abs(member[8] - expected_bh) <= 1e-12, (member, expected_bh)
            assert member[7] == (expected_holm < 0.05) and member[9] == (expected_bh < 0.05)
            # raw p <= BH <= Holm <= 1, up to floating-point rounding of the products
            assert member[4] <= member[8] + 1e-15 and member[8] <= member[6] + 1e-15 and member[6] <= 1.0


# --------------------------------------------------------------------------
# CUPED
# --------------------------------------------------------------------------

def cuped_inputs(con) -> dict[tuple, dict[str, list[tuple[float, float]]]]:
    """(readout, experiment, metric) -> group -> [(Y, X)], Y from the outcomes,
    X rebuilt from int_user_activity_daily over the lookback window."""
    lookback = project_vars()["experiment_cuped_lookback_days"]
    activity: dict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    for user_id, day, gmv in con.execute(
        "select user_id, activity_date, paid_gmv_cny from intermediate.int_user_activity_daily"
    ).fetchall():
        activity[user_id].append((day, float(gmv)))
    out: dict[tuple, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    for (experiment_id, user_id, group_name, control, day0, d1, d7, d30, prior, converted, gmv) in con.execute(
        "select experiment_id, user_id, group_name, control_group_name, assigned_date, is_d1_retained,"
        " is_d7_retained, is_d30_retained, is_prior_buyer, has_first_paid_order_in_window, window_paid_gmv_cny"
        " from intermediate.int_experiment_user_outcomes"
    ).fetchall():
        start = day0 - dt.timedelta(days=lookback)
        pre = [(day, paid) for day, paid in activity[user_id] if start <= day < day0]
        active_days, pre_gmv = float(len(pre)), sum(paid for _, paid in pre)
        values = {"d1_retention": (float(d1), active_days), "d7_retention": (float(d7), active_days),
                  "d30_retention": (float(d30), active_days), "gmv_per_user_cny": (float(gmv), pre_gmv)}
        if not prior:
            values["first_paid_order_conversion"] = (float(converted), active_days)
        for metric, pair in values.items():
            out[("ab_test", experiment_id, metric)][group_name].append(pair)
            if group_name == control:
                half = f"{control}_even" if user_id % 2 == 0 else f"{control}_odd"
                out[("aa_check", experiment_id, metric)][half].append(pair)
    return out


def test_cuped_matches_numpy(connect) -> None:
    columns = ["readout_type", "experiment_id", "metric_name", "group_name", "control_group_name", "is_control",
               "sample_size", "theta", "metric_value", "cuped_metric_value", "raw_difference", "raw_standard_error",
               "raw_ci_lower", "raw_ci_upper", "cuped_difference", "cuped_standard_error", "cuped_ci_lower",
               "cuped_ci_upper", "cuped_degrees_of_freedom", "cuped_p_value", "variance_reduction"]
    mart = {
        row[:4]: dict(zip(columns, row))
        for row in connect.execute(f"select {', '.join(columns)} from marts.fct_experiment_cuped").fetchall()
    }
    inputs = cuped_inputs(connect)
    assert set(mart) == {key + (group,) for key, groups in inputs.items() for group in groups}
    for key, groups in inputs.items():
        pairs = np.array([pair for values in groups.values() for pair in values])
        y_all, x_all = pairs[:, 0], pairs[:, 1]
        variance_x = np.var(x_all, ddof=1)
        theta = float(np.cov(y_all, x_all, ddof=1)[0, 1] / variance_x) if variance_x > 0 else 0.0
        adjusted = {
            group: np.array([y - theta * (x - x_all.mean()) for y, x in values]) for group, values in groups.items()
        }
        raw = {group: np.array([y for y, _ in values]) for group, values in groups.items()}
        for group in groups:
            row = mart[key + (group,)]
            assert row["sample_size"] == len(raw[group])
            assert close(row["theta"], theta, 1e-9), (key, row["theta"], theta)
            assert close(row["metric_value"], float(raw[group].mean()), 1e-12)
            assert close(row["cuped_metric_value"], float(adjusted[group].mean()), 1e-9)
            if row["is_control"]:
                assert row["cuped_difference"] is None and row["cuped_p_value"] is None
                continue
            control = row["control_group_name"]
            for prefix, values in (("raw", raw), ("cuped", adjusted)):
                treated, baseline = values[group], values[control]
                result = stats.ttest_ind(treated, baseline, equal_var=False)
                interval = result.confidence_interval(0.95)
                se = float(np.sqrt(treated.var(ddof=1) / len(treated) + baseline.var(ddof=1) / len(baseline)))
                difference = float(treated.mean() - baseline.mean())
                half_width = (interval.high - interval.low) / 2
                assert close(row[f"{prefix}_difference"], difference, 1e-9), (key, group, prefix)
                assert close(row[f"{prefix}_standard_error"], se, 1e-9), (key, group, prefix)
                # t quantile by Cornish-Fisher: relative error < 1e-5 from 10 degrees of freedom
                assert abs(row[f"{prefix}_ci_lower"] - interval.low) <= 1e-5 * half_width + 1e-9
                assert abs(row[f"{prefix}_ci_upper"] - interval.high) <= 1e-5 * half_width + 1e-9
                if prefix == "cuped":
                    assert close(row["cuped_degrees_of_freedom"], float(result.df), 1e-9)
                    assert abs(row["cuped_p_value"] - float(result.pvalue)) <= 1e-6, (key, group, row, result)
            raw_se = float(np.sqrt(raw[group].var(ddof=1) / len(raw[group])
                                   + raw[control].var(ddof=1) / len(raw[control])))
            cuped_se = float(np.sqrt(adjusted[group].var(ddof=1) / len(adjusted[group])
                                     + adjusted[control].var(ddof=1) / len(adjusted[control])))
            assert close(row["variance_reduction"], 1 - cuped_se ** 2 / raw_se ** 2, 1e-9)


def test_cuped_raw_difference_is_the_readout_difference(connect) -> None:
    """The raw difference beside CUPED is the readout's own absolute_difference."""
    mismatched = connect.execute(
        """
        select cuped.experiment_id, cuped.readout_type, cuped.group_name, cuped.metric_name
        from marts.fct_experiment_cuped as cuped
        inner join marts.fct_experiment_results as results
            using (experiment_id, readout_type, group_name, metric_name)
        where not cuped.is_control
            and abs(cuped.raw_difference - results.absolute_difference) > 1e-12
        """
    ).fetchall()
    assert mismatched == []
    # 2 readouts x 2 groups x 5 per-user metrics for each experiment
    experiments = connect.execute("select count(distinct experiment_id) from marts.fct_experiment_results").fetchone()[0]
    assert experiments == 3
    assert connect.execute("select count(*) from marts.fct_experiment_cuped").fetchone()[0] == 20 * experiments


@pytest.mark.parametrize("metric", PER_USER_METRICS)
def test_cuped_never_widens_much(connect, metric: str) -> None:
    """With theta fitted on the pooled data, CUPED cannot add more than rounding-level variance."""
    rows = connect.execute(
        "select variance_reduction from marts.fct_experiment_cuped where not is_control and metric_name = ?",
        [metric],
    ).fetchall()
    assert rows and all(reduction > -0.01 for (reduction,) in rows)


# --------------------------------------------------------------------------
# Guardrails
# --------------------------------------------------------------------------

def test_return_rate_guardrail_matches_recomputation(connect) -> None:
    """Window orders rebuilt from staging (paid day in Asia/Shanghai inside
    days 0 .. window - 1), is_returned as fct_orders gives it, z-test by scipy."""
    returned = dict(connect.execute("select order_id, is_returned from marts.fct_orders").fetchall())
    orders: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    for order_id, user_id, paid_at in connect.execute(
        "select order_id, user_id, paid_at from staging.stg_shop__orders where is_paid and paid_at is not null"
    ).fetchall():
        orders[user_id].append((order_id, (paid_at + dt.timedelta(hours=8)).date()))
    flags: dict[tuple, list[float]] = defaultdict(list)
    for experiment_id, user_id, group_name, control, day0, window_end in connect.execute(
        "select experiment_id, user_id, group_name, control_group_name, assigned_date, window_end_date"
        " from intermediate.int_experiment_user_outcomes"
    ).fetchall():
        values = [float(returned[order_id]) for order_id, day in orders[user_id] if day0 <= day <= window_end]
        flags[("ab_test", experiment_id, group_name, control)].extend(values)
        if group_name == control:
            half = f"{control}_even" if user_id % 2 == 0 else f"{control}_odd"
            flags[("aa_check", experiment_id, half, f"{control}_even")].extend(values)
    columns = ["readout_type", "experiment_id", "group_name", "control_group_name", "sample_size", "metric_value",
               "absolute_difference", "ci_lower", "ci_upper", "p_value", "is_guardrail_breached"]
    mart = {
        row[:4]: dict(zip(columns, row))
        for row in connect.execute(
            f"select {', '.join(columns)} from marts.fct_experiment_guardrails"
            " where guardrail_name = 'order_return_rate'"
        ).fetchall()
    }
    assert mart.keys() == {key for key, values in flags.items() if values}
    for key, row in mart.items():
        treated = flags[key]
        control = flags[(key[0], key[1], key[3], key[3])]
        assert row["sample_size"] == len(treated)
        assert close(row["metric_value"], sum(treated) / len(treated), 1e-12)
        if key[2] == key[3]:
            assert row["absolute_difference"] is None and not row["is_guardrail_breached"]
            continue
        p_t, p_c = sum(treated) / len(treated), sum(control) / len(control)
        pooled = (sum(treated) + sum(control)) / (len(treated) + len(control))
        z = (p_t - p_c) / (pooled * (1 - pooled) * (1 / len(treated) + 1 / len(control))) ** 0.5
        half_width = stats.norm.ppf(0.975) * (p_t * (1 - p_t) / len(treated) + p_c * (1 - p_c) / len(control)) ** 0.5
        p_value = 2 * stats.norm.sf(abs(z))
        assert close(row["absolute_difference"], p_t - p_c, 1e-12)
        assert close(row["ci_lower"], p_t - p_c - half_width, 1e-9)
        assert close(row["ci_upper"], p_t - p_c + half_width, 1e-9)
        assert abs(row["p_value"] - p_value) <= 1e-6
        assert row["is_guardrail_breached"] == (p_t > p_c and p_value < 0.05)
