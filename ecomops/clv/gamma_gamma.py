"""Gamma-Gamma model of the value of a customer's repeat purchases.

Fader, Hardie and Lee (2005), "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis", Journal of Marketing Research 42(4), and Fader and
Hardie's note "The Gamma-Gamma Model of Monetary Value" (2013).

Each purchase of a customer is worth ``z ~ Gamma(shape=p, rate=nu)`` with the
customer's ``nu ~ Gamma(shape=q, rate=gamma)``; the model is fitted on the
number ``x`` of repeat purchases and their mean value ``m`` (customers with
x >= 1 only) and assumes value and frequency are independent.

Values are strictly positive in the model, so a customer whose repeat
purchases are all worth 0 (zero-amount orders: full coupons, gifts) is left
out of the fit; ``conditional_expected_value`` at m = 0 is the limit of the
expectation as m falls to 0 and is how such a customer is valued.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special

__all__ = [
    "GammaGammaParams",
    "conditional_expected_value",
    "fit_gamma_gamma",
    "log_likelihood",
    "simulate_gamma_gamma",
]


# Bounds of the log-parameters in the fit (see fit_gamma_gamma).
LOG_BOUNDS = [(-12.0, 14.0)] * 3


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted (or known) Gamma-Gamma parameters; ``gamma`` is in CNY."""

    p: float
    q: float
    gamma: float
    log_likelihood: float = float("nan")
    n_customers: int = 0
    converged: bool = True

    @property
    def population_mean_value(self) -> float:
        """E[value of a purchase] over the population: p * gamma / (q - 1)."""
        return self.p * self.gamma / (self.q - 1.0) if self.q > 1.0 else float("inf")

    def as_array(self) -> np.ndarray:
        return np.array([self.p, self.q, self.gamma], dtype=float)


def log_likelihood(p: float, q: float, gamma: float, x: ArrayLike, m: ArrayLike) -> np.ndarray:
    """Per-customer log-likelihood of the mean value ``m`` of ``x`` purchases."""
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    px = p * x
    return (
        special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q)
        + q * np.log(gamma) + (px - 1.0) * np.log(m) + px * np.log(x)
        - (px + q) * np.log(gamma + m * x)
    )


def fit_gamma_gamma(x: ArrayLike, m: ArrayLike) -> GammaGammaParams:
    """Maximum-likelihood fit on customers with x >= 1 and m > 0.

    Customers without a repeat purchase, or whose repeat purchases have a
    mean value of 0 (or an unknown one), are not in the fit; ``n_customers``
    counts those that are. Raises ValueError below 3 such customers.
    Both optimiser steps stay within ``LOG_BOUNDS`` (e^-12 to e^14): when
    every customer's purchases look alike, the likelihood keeps rising as q
    and gamma grow together (no heterogeneity), and the fit stops at the
    bound, where the predictions are those of that limit (every customer
    worth the population mean).
    """
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    keep = (x >= 1) & (m > 0)
    x, m = x[keep], m[keep]
    if x.size < 3:
        raise ValueError("fit_gamma_gamma: need at least 3 customers with repeat purchases")
    n = x.size

    def objective(log_params: np.ndarray) -> float:
        p, q, gamma = np.exp(log_params)
        value = -log_likelihood(p, q, gamma, x, m).sum() / n
        return float(value) if np.isfinite(value) else 1e12

    start = np.log([1.0, 2.0, float(np.mean(m))])
    first = optimize.minimize(objective, start, method="L-BFGS-B", bounds=LOG_BOUNDS)
    polished = optimize.minimize(objective, first.x, method="Nelder-Mead", bounds=LOG_BOUNDS,
                                 options={"xatol": 1e-7, "fatol": 1e-10, "maxiter": 8000})
    best = polished if polished.fun <= first.fun else first
    p, q, gamma = np.exp(best.x)
    return GammaGammaParams(
        p=float(p), q=float(q), gamma=float(gamma), log_likelihood=float(-best.fun * n),
        n_customers=int(n), converged=bool(first.success or polished.success),
    )


def conditional_expected_value(params: GammaGammaParams, x: ArrayLike, m: ArrayLike) -> np.ndarray:
    """E[value of a future purchase | x, m]; the population mean where x = 0.

    Where m = 0 (x zero-value repeat purchases) it is p * gamma / (p * x + q - 1),
    the limit as m falls to 0: below the population mean, falling with x.
    """
    x = np.asarray(x, dtype=float)
    m = np.nan_to_num(np.asarray(m, dtype=float), nan=0.0)
    p, q, gamma = params.p, params.q, params.gamma
    return (gamma + m * x) * p / (p * x + q - 1.0)


def simulate_gamma_gamma(
    params: GammaGammaParams, x: ArrayLike, rng: np.random.Generator,
) -> np.ndarray:
    """Draw each customer's mean value of ``x`` purchases (nan where x = 0)."""
    x = np.asarray(x, dtype=int)
    nu = rng.gamma(shape=params.q, scale=1.0 / params.gamma, size=x.size)
    means = np.full(x.size, np.nan)
    for i, count in enumerate(x):
        if count > 0:
            means[i] = rng.gamma(shape=params.p, scale=1.0 / nu[i], size=count).mean()
    return means
