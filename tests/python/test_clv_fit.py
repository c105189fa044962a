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
import pytest

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
