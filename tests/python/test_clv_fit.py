"""Parameter recovery of the CLV models in ecomops.clv (no warehouse needed).

Customers are simulated from known BG/NBD and Gamma-Gamma parameters, the
maximum-likelihood fit must recover them within the stated tolerances, and
the model's predictions for a holdout period must match what the simulated
customers actually did. Seeds are fixed, so the test is deterministic; the
tolerances are about four standard deviations of each estimate at these
sample sizes (measured over 12 seeds: see docs/member.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecomops.clv import fitting
from ecomops.clv.bgnbd import (
    BgNbdParams,
    conditional_expected_purchases,
    expected_purchases_new_customer,
    fit_bgnbd,
    log_likelihood,
    probability_alive,
    simulate_bgnbd,
)
from ecomops.clv.gamma_gamma import (
    GammaGammaParams,
    conditional_expected_value,
    fit_gamma_gamma,
    simulate_gamma_gamma,
)
from ecomops.clv.value import DAYS_PER_MONTH, discounted_clv

# Known parameters, in days and yuan: a purchase every ~60 days while alive
# (rate r / alpha), a drop-out chance of ~17% after each repeat purchase
# (a / (a + b)), and purchases worth 250 yuan on average (p gamma / (q - 1)).
TRUE_BGNBD = BgNbdParams(r=0.5, alpha=30.0, a=0.8, b=4.0)
TRUE_GAMMA_GAMMA = GammaGammaParams(p=6.0, q=4.0, gamma=125.0)

# Stated tolerances (relative error of each estimate).
BGNBD_TOLERANCE = {"r": 0.10, "alpha": 0.10, "a": 0.30, "b": 0.30}
GAMMA_GAMMA_TOLERANCE = {"p": 0.15, "q": 0.10, "gamma": 0.20}
MEAN_VALUE_TOLERANCE = 0.03
HOLDOUT_TOLERANCE = 0.05

N_CUSTOMERS = 30_000
HOLDOUT_DAYS = 120.0


@pytest.fixture(scope="module")
def simulated_purchases() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20260430)
    ages = rng.uniform(60.0, 480.0, N_CUSTOMERS)
    simulated = simulate_bgnbd(TRUE_BGNBD, ages, rng, holdout=HOLDOUT_DAYS)
    simulated["T"] = ages
    return simulated


@pytest.fixture(scope="module")
def fitted_bgnbd(simulated_purchases) -> BgNbdParams:
    sim = simulated_purchases
    return fit_bgnbd(sim["x"], sim["t_x"], sim["T"])


def test_bgnbd_recovers_known_parameters(fitted_bgnbd: BgNbdParams) -> None:
    assert fitted_bgnbd.converged
    for name, tolerance in BGNBD_TOLERANCE.items():
        true_value = getattr(TRUE_BGNBD, name)
        fitted_value = getattr(fitted_bgnbd, name)
        assert abs(fitted_value / true_value - 1.0) <= tolerance, (name, fitted_value, true_value)


def test_bgnbd_fit_is_a_maximum(simulated_purchases, fitted_bgnbd: BgNbdParams) -> None:
    """The fit's log-likelihood beats the true parameters' and nearby points."""
    sim = simulated_purchases

    def total(params: np.ndarray) -> float:
        return float(log_likelihood(*params, sim["x"], sim["t_x"], sim["T"]).sum())

    best = total(fitted_bgnbd.as_array())
    assert best >= total(TRUE_BGNBD.as_array())
    for index in range(4):
        for factor in (0.97, 1.03):
            moved = fitted_bgnbd.as_array()
            moved[index] *= factor
            assert total(moved) < best


def test_bgnbd_predicts_the_holdout(simulated_purchases, fitted_bgnbd: BgNbdParams) -> None:
    """Expected repeat purchases after T match the simulated ones, in total and by frequency."""
    sim = simulated_purchases
    actual = sim["holdout_x"]
    for params in (TRUE_BGNBD, fitted_bgnbd):
        expected = conditional_expected_purchases(params, HOLDOUT_DAYS, sim["x"], sim["t_x"], sim["T"])
        assert abs(expected.sum() / actual.sum() - 1.0) <= HOLDOUT_TOLERANCE
        for low, high in ((0, 0), (1, 2), (3, 1_000)):
            bucket = (sim["x"] >= low) & (sim["x"] <= high)
            assert abs(expected[bucket].sum() / actual[bucket].sum() - 1.0) <= 0.10, (low, high)


def test_bgnbd_alive_probability_matches_simulation() -> None:
    """P(alive) of customers without a repeat purchase is 1; with repeats it falls with inactivity."""
    x = np.array([0.0, 3.0, 3.0])
    t_x = np.array([0.0, 100.0, 20.0])
    T = np.array([200.0, 200.0, 200.0])
    alive = probability_alive(TRUE_BGNBD, x, t_x, T)
    assert alive[0] == 1.0
    assert 0.0 < alive[2] < alive[1] < 1.0


def test_unconditional_expectation_matches_simulation() -> None:
    """E[X(t)] of a new customer (closed form with 2F1) against a simulation."""
    rng = np.random.default_rng(7)
    ages = np.full(40_000, 365.0)
    sim = simulate_bgnbd(TRUE_BGNBD, ages, rng)
    expected = float(expected_purchases_new_customer(TRUE_BGNBD, 365.0))
    assert abs(sim["x"].mean() / expected - 1.0) <= 0.03


def test_gamma_gamma_recovers_known_parameters() -> None:
    rng = np.random.default_rng(20260430)
    x = 1 + rng.poisson(2.0, 50_000)
    means = simulate_gamma_gamma(TRUE_GAMMA_GAMMA, x, rng)
    fitted = fit_gamma_gamma(x, means)
    assert fitted.converged
    for name, tolerance in GAMMA_GAMMA_TOLERANCE.items():
        true_value = getattr(TRUE_GAMMA_GAMMA, name)
        fitted_value = getattr(fitted, name)
        assert abs(fitted_value / true_value - 1.0) <= tolerance, (name, fitted_value, true_value)
    assert abs(fitted.population_mean_value / TRUE_GAMMA_GAMMA.population_mean_value - 1.0) <= MEAN_VALUE_TOLERANCE


def test_gamma_gamma_conditional_value_shrinks_to_the_mean() -> None:
    value = conditional_expected_value(TRUE_GAMMA_GAMMA, np.array([0.0, 1.0, 50.0]), np.array([np.nan, 600.0, 600.0]))
    assert value[0] == pytest.approx(TRUE_GAMMA_GAMMA.population_mean_value)
    # more purchases at 600 yuan pull the estimate further from 250 towards 600
    assert TRUE_GAMMA_GAMMA.population_mean_value < value[1] < value[2] < 600.0


def test_discounted_clv_without_discount_is_a_year_of_purchases() -> None:
    x = np.array([0.0, 2.0])
    t_x = np.array([0.0, 150.0])
    T = np.array([100.0, 200.0])
    mean_value = np.array([np.nan, 300.0])
    undiscounted = discounted_clv(TRUE_BGNBD, TRUE_GAMMA_GAMMA, x, t_x, T, mean_value, monthly_discount_rate=0.0)
    year = conditional_expected_purchases(TRUE_BGNBD, 12 * DAYS_PER_MONTH, x, t_x, T)
    value = conditional_expected_value(TRUE_GAMMA_GAMMA, x, mean_value)
    np.testing.assert_allclose(undiscounted, year * value, rtol=1e-10)
    discounted = discounted_clv(TRUE_BGNBD, TRUE_GAMMA_GAMMA, x, t_x, T, mean_value, monthly_discount_rate=0.01)
    assert np.all(discounted < undiscounted)
    assert np.all(discounted > undiscounted / 1.01**12)


def test_fit_rejects_impossible_inputs() -> None:
    with pytest.raises(ValueError):
        fit_bgnbd([1.0], [50.0], [20.0])  # t_x > T
    with pytest.raises(ValueError):
        fit_bgnbd([0.0], [5.0], [20.0])  # no repeat purchase but t_x > 0


# --------------------------------------------------------------------------- empty and degenerate inputs
# What the dbt Python models get from int_customer_clv_inputs on a small or
# empty export. The frames mimic its columns and the dtypes DuckDB's .df()
# gives them (dates as datetime64, nullable calibration columns as Int64).

AS_OF = "1998-12-31"
CALIBRATION_END = "1998-08-31"


def _inputs(customers: list[tuple[int, int, int, int, float | None]]) -> pd.DataFrame:
    """int_customer_clv_inputs rows from (user_id, x, t_x, T, summed repeat value);
    every customer is in the calibration window with the same history."""
    as_of = pd.Timestamp(AS_OF)
    calibration_end = pd.Timestamp(CALIBRATION_END)
    holdout = (as_of - calibration_end).days
    rows = {
        "user_id": pd.Series([c[0] for c in customers], dtype="int64"),
        "as_of_date": pd.Series([as_of] * len(customers), dtype="datetime64[us]"),
        "repeat_purchase_days": pd.Series([c[1] for c in customers], dtype="int64"),
        "recency_days": pd.Series([c[2] for c in customers], dtype="int64"),
        "age_days": pd.Series([c[3] for c in customers], dtype="int64"),
        "repeat_purchase_value_cny": pd.Series([c[4] for c in customers], dtype="float64"),
        "calibration_end_date": pd.Series([calibration_end] * len(customers), dtype="datetime64[us]"),
        "is_in_calibration": pd.Series([True] * len(customers), dtype="bool"),
        "calibration_repeat_purchase_days": pd.Series([c[1] for c in customers], dtype="Int64"),
        "calibration_recency_days": pd.Series([c[2] for c in customers], dtype="Int64"),
        "calibration_age_days": pd.Series([max(c[3] - holdout, c[2]) for c in customers], dtype="Int64"),
        "calibration_repeat_purchase_value_cny": pd.Series([c[4] for c in customers], dtype="float64"),
        "holdout_days": pd.Series([holdout] * len(customers), dtype="Int64"),
        "holdout_repeat_purchase_days": pd.Series([0] * len(customers), dtype="Int64"),
    }
    return pd.DataFrame(rows)


def _simulated_inputs(n: int = 400, seed: int = 11, zero_value_every: int = 0) -> pd.DataFrame:
    """Customers drawn from the true models; every ``zero_value_every``-th repeat customer spent 0."""
    rng = np.random.default_rng(seed)
    ages = np.floor(rng.uniform(60.0, 480.0, n))
    sim = simulate_bgnbd(TRUE_BGNBD, ages, rng)
    x = sim["x"].astype(int)
    t_x = np.minimum(np.floor(sim["t_x"]), ages).astype(int)
    means = simulate_gamma_gamma(TRUE_GAMMA_GAMMA, x, rng)
    customers = []
    repeaters = 0
    for i in range(n):
        value = None
        if x[i] > 0:
            repeaters += 1
            value = 0.0 if zero_value_every and repeaters % zero_value_every == 0 else round(means[i] * x[i], 2)
        customers.append((i + 1, int(x[i]), int(t_x[i]) if x[i] > 0 else 0, int(ages[i]), value))
    return _inputs(customers)


def _table_types(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """Column types of the table DuckDB writes from the frame (as dbt-duckdb does)."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("frame", frame)
        con.execute("create table written as select * from frame")
        return [(row[0], row[1]) for row in con.execute("describe written").fetchall()]
    finally:
        con.close()


def test_empty_inputs_give_empty_frames_with_the_full_schema() -> None:
    full = _simulated_inputs()
    empty = full.iloc[0:0]
    parameters = fitting.fit_windows(empty)
    assert parameters.empty and list(parameters.columns) == list(fitting.PARAMETER_COLUMNS)
    purchases, spend = fitting.params_from_table(parameters, "as_of")
    assert purchases is None and spend is None
    scores = fitting.score_customers(empty, purchases, spend, monthly_discount_rate=0.01)
    holdout = fitting.holdout_predictions(empty, purchases)
    assert scores.empty and list(scores.columns) == list(fitting.SCORE_COLUMNS)
    assert holdout.empty and list(holdout.columns) == list(fitting.HOLDOUT_COLUMNS)
    # the written tables have the same column types as on a full input
    full_parameters = fitting.fit_windows(full)
    full_purchases, full_spend = fitting.params_from_table(full_parameters, "as_of")
    assert _table_types(parameters) == _table_types(full_parameters)
    assert _table_types(scores) == _table_types(
        fitting.score_customers(full, full_purchases, full_spend, monthly_discount_rate=0.01))
    assert _table_types(holdout) == _table_types(fitting.holdout_predictions(full, full_purchases))
    assert dict(_table_types(parameters))["window_end_date"] == "TIMESTAMP"
    assert dict(_table_types(parameters))["fit_window"] == "VARCHAR"


def test_no_repeat_buyers_give_null_parameters_and_null_scores() -> None:
    one_time = _inputs([(1, 0, 0, 300, None), (2, 0, 0, 120, None), (3, 0, 0, 30, None)])
    parameters = fitting.fit_windows(one_time)
    assert len(parameters) == 14  # 7 per window, both windows have customers
    assert parameters["parameter_value"].isna().all()
    assert parameters["log_likelihood"].isna().all()
    assert not parameters["is_converged"].any()
    bgnbd = parameters[parameters["model_name"] == "bgnbd"]
    gamma_gamma = parameters[parameters["model_name"] == "gamma_gamma"]
    assert set(bgnbd["customers_fitted"]) == {3} and set(gamma_gamma["customers_fitted"]) == {0}
    assert set(parameters["window_end_date"].dt.strftime("%Y-%m-%d")) == {AS_OF, CALIBRATION_END}
    purchases, spend = fitting.params_from_table(parameters, "as_of")
    assert purchases is None and spend is None
    scores = fitting.score_customers(one_time, purchases, spend, monthly_discount_rate=0.01)
    assert list(scores["user_id"]) == [1, 2, 3]
    assert scores.drop(columns="user_id").isna().all().all()
    holdout = fitting.holdout_predictions(one_time, None)
    assert holdout["expected_holdout_repeat_purchase_days"].isna().all()
    assert list(holdout["actual_holdout_repeat_purchase_days"]) == [0, 0, 0]


def test_two_repeat_buyers_are_too_few_to_fit() -> None:
    few = _inputs([(1, 2, 50, 300, 200.0), (2, 1, 10, 120, 80.0), (3, 0, 0, 30, None)])
    parameters = fitting.fit_windows(few)
    assert parameters["parameter_value"].isna().all()
    assert fitting.MIN_CUSTOMERS_TO_FIT == 3


def test_all_zero_spend_fits_purchases_but_not_spend() -> None:
    """Zero-amount repeat purchases count as purchases (BG/NBD) but not in Gamma-Gamma's fit."""
    frame = _simulated_inputs()
    repeat = frame["repeat_purchase_days"] > 0
    frame.loc[repeat, "repeat_purchase_value_cny"] = 0.0
    frame.loc[repeat, "calibration_repeat_purchase_value_cny"] = 0.0
    parameters = fitting.fit_windows(frame)
    as_of = parameters[parameters["fit_window"] == "as_of"]
    bgnbd = as_of[as_of["model_name"] == "bgnbd"]
    gamma_gamma = as_of[as_of["model_name"] == "gamma_gamma"]
    assert bgnbd["parameter_value"].notna().all() and bgnbd["is_converged"].all()
    assert set(bgnbd["customers_fitted"]) == {len(frame)}
    assert gamma_gamma["parameter_value"].isna().all() and set(gamma_gamma["customers_fitted"]) == {0}
    purchases, spend = fitting.params_from_table(parameters, "as_of")
    assert purchases is not None and spend is None
    scores = fitting.score_customers(frame, purchases, spend, monthly_discount_rate=0.01)
    assert scores["probability_alive"].notna().all()
    assert scores["expected_purchase_value_cny"].isna().all() and scores["clv_12m_cny"].isna().all()


def test_zero_mean_spend_customers_are_left_out_of_the_fit_and_valued_at_m_zero() -> None:
    frame = _simulated_inputs(zero_value_every=5)
    x = frame["repeat_purchase_days"].to_numpy(dtype=float)
    value = frame["repeat_purchase_value_cny"].to_numpy(dtype=float)
    positive = int(((x > 0) & (value > 0)).sum())
    zero = (x > 0) & (value == 0)
    assert zero.sum() >= 10
    parameters = fitting.fit_windows(frame)
    gamma_gamma = parameters[(parameters["fit_window"] == "as_of") & (parameters["model_name"] == "gamma_gamma")]
    assert set(gamma_gamma["customers_fitted"]) == {positive}
    # the same fit as on the positive-spend customers alone
    alone = fit_gamma_gamma(x[(x > 0) & (value > 0)], value[(x > 0) & (value > 0)] / x[(x > 0) & (value > 0)])
    fitted = {row.parameter_name: row.parameter_value for row in gamma_gamma.itertuples()}
    assert fitted == pytest.approx({"p": alone.p, "q": alone.q, "gamma": alone.gamma}, rel=1e-12)
    purchases, spend = fitting.params_from_table(parameters, "as_of")
    scores = fitting.score_customers(frame, purchases, spend, monthly_discount_rate=0.01)
    # valued at m = 0: p * gamma / (p * x + q - 1), worked out here from the parameters
    want = fitted["p"] * fitted["gamma"] / (fitted["p"] * x[zero] + fitted["q"] - 1.0)
    np.testing.assert_allclose(scores["expected_purchase_value_cny"].to_numpy()[zero], want, rtol=1e-12)
    assert np.all(want < fitted["p"] * fitted["gamma"] / (fitted["q"] - 1.0))
    assert scores.drop(columns="user_id").notna().all().all()


def test_fits_do_not_depend_on_row_order() -> None:
    frame = _simulated_inputs()
    shuffled = frame.sample(frac=1.0, random_state=3)
    first = fitting.fit_windows(frame)
    again = fitting.fit_windows(shuffled)
    assert first.equals(again)


def test_gamma_gamma_without_heterogeneity_stops_at_the_bound() -> None:
    """Every customer spends alike: q and gamma grow together to the bound (finite, as the
    parameter test requires) and every customer is valued near the common mean."""
    from ecomops.clv.gamma_gamma import LOG_BOUNDS

    rng = np.random.default_rng(5)
    x = 1 + rng.poisson(2.0, 3_000)
    nu = 0.02  # one spend rate for all: purchases ~ Gamma(p = 3, rate 0.02), mean 150 yuan
    means = np.array([rng.gamma(3.0, 1.0 / nu, size=count).mean() for count in x])
    fitted = fit_gamma_gamma(x, means)
    assert np.all(np.log(fitted.as_array()) <= np.array([bound[1] for bound in LOG_BOUNDS]) + 1e-9)
    assert fitted.q > 1e3 and fitted.gamma < 1e9
    value = conditional_expected_value(fitted, x, means)
    assert abs(np.mean(value) / 150.0 - 1.0) <= 0.03
    assert np.ptp(value) / np.mean(value) <= 0.05
