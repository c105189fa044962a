"""BG/NBD (beta-geometric / negative binomial distribution) purchase model.

Fader, Hardie and Lee (2005), "Counting Your Customers the Easy Way: An
Alternative to the Pareto/NBD Model", Marketing Science 24(2).

Per customer the inputs are:

- ``x``: repeat purchases (purchase days after the first one),
- ``t_x``: time of the last purchase, measured from the first purchase,
- ``T``: age, the time from the first purchase to the end of observation.

While alive, a customer buys as a Poisson process with rate
``lambda ~ Gamma(shape=r, rate=alpha)``; after each repeat purchase the
customer drops out for good with probability ``p ~ Beta(a, b)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special

__all__ = [
    "BgNbdParams",
    "conditional_expected_purchases",
    "expected_purchases_new_customer",
    "fit_bgnbd",
    "log_likelihood",
    "probability_alive",
    "simulate_bgnbd",
]


# Bounds of the log-parameters in the fit (see fit_bgnbd).
LOG_BOUNDS = [(-12.0, 12.0)] * 4


@dataclass(frozen=True)
class BgNbdParams:
    """Fitted (or known) BG/NBD parameters; ``alpha`` is in the unit of T (days)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = float("nan")
    n_customers: int = 0
    converged: bool = True

    def as_array(self) -> np.ndarray:
        return np.array([self.r, self.alpha, self.a, self.b], dtype=float)


def _as_arrays(*values: ArrayLike) -> list[np.ndarray]:
    return [np.asarray(value, dtype=float) for value in values]


def log_likelihood(
    r: float, alpha: float, a: float, b: float,
    x: ArrayLike, t_x: ArrayLike, T: ArrayLike,
) -> np.ndarray:
    """Per-customer log-likelihood of (x, t_x, T) under the BG/NBD model."""
    x, t_x, T = _as_arrays(x, t_x, T)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = (
        special.gammaln(a + b) + special.gammaln(b + x)
        - special.gammaln(b) - special.gammaln(a + b + x)
    )
    a3 = -(r + x) * np.log(alpha + T)
    has_repeat = x > 0
    # ln(a) - ln(b + x - 1) - (r + x) ln(alpha + t_x); only used where x > 0
    safe_b = np.where(has_repeat, b + x - 1.0, 1.0)
    a4 = np.log(a) - np.log(safe_b) - (r + x) * np.log(alpha + t_x)
    tail = np.where(has_repeat, np.logaddexp(a3, a4), a3)
    return a1 + a2 + tail


def _aggregate(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, ...]:
    """Collapse identical (x, t_x, T) rows into one row with a weight."""
    stacked = np.column_stack([x, t_x, T])
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return unique[:, 0], unique[:, 1], unique[:, 2], counts.astype(float)


def fit_bgnbd(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> BgNbdParams:
    """Maximum-likelihood fit of the BG/NBD model.

    The optimiser works on log-parameters (all four are positive): L-BFGS-B
    from a neutral start, then Nelder-Mead from its end point to polish, both
    within ``LOG_BOUNDS`` (e^-12 to e^12). A parameter at a bound means the
    likelihood keeps rising towards 0 or infinity: e.g. a and b both at
    e^12 when every customer has the same drop-out chance a / (a + b); the
    predictions are then those of that limit. Raises ValueError on inputs the
    model cannot take.
    """
    x, t_x, T = _as_arrays(x, t_x, T)
    if x.size == 0:
        raise ValueError("fit_bgnbd: no customers to fit")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(T < t_x):
        raise ValueError("fit_bgnbd: need x >= 0 and 0 <= t_x <= T for every customer")
    if np.any((x == 0) & (t_x != 0)):
        raise ValueError("fit_bgnbd: customers without repeat purchases must have t_x = 0")
    ux, ut, uT, weight = _aggregate(x, t_x, T)
    n = weight.sum()

    def objective(log_params: np.ndarray) -> float:
        r, alpha, a, b = np.exp(log_params)
        value = -(weight * log_likelihood(r, alpha, a, b, ux, ut, uT)).sum() / n
        return float(value) if np.isfinite(value) else 1e12

    scale = max(float(np.mean(T)), 1.0)
    start = np.log([1.0, scale, 1.0, 1.0])
    first = optimize.minimize(objective, start, method="L-BFGS-B", bounds=LOG_BOUNDS)
    polished = optimize.minimize(objective, first.x, method="Nelder-Mead", bounds=LOG_BOUNDS,
                                 options={"xatol": 1e-7, "fatol": 1e-10, "maxiter": 8000})
    best = polished if polished.fun <= first.fun else first
    r, alpha, a, b = np.exp(best.x)
    return BgNbdParams(
        r=float(r), alpha=float(alpha), a=float(a), b=float(b),
        log_likelihood=float(-best.fun * n), n_customers=int(n),
        converged=bool(first.success or polished.success),
    )


def probability_alive(params: BgNbdParams, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> np.ndarray:
    """P(customer still alive at T | x, t_x, T); 1 for customers with no repeat purchase."""
    x, t_x, T = _as_arrays(x, t_x, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    safe_b = np.where(x > 0, b + x - 1.0, 1.0)
    log_odds = np.log(a) - np.log(safe_b) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    odds = np.where(x > 0, np.exp(log_odds), 0.0)
    return 1.0 / (1.0 + odds)


def conditional_expected_purchases(
    params: BgNbdParams, t: float | ArrayLike, x: ArrayLike, t_x: ArrayLike, T: ArrayLike,
) -> np.ndarray:
    """Expected purchases in (T, T + t] for a customer with history (x, t_x, T)."""
    x, t_x, T = _as_arrays(x, t_x, T)
    t = np.asarray(t, dtype=float)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    if t.ndim == 0 and float(t) == 0.0:
        return np.zeros_like(x)
    z = t / (alpha + T + t)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1.0, z)
    ratio = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t)))
    numerator = (a + b + x - 1.0) / (a - 1.0) * (1.0 - ratio * hyp)
    return numerator * probability_alive(params, x, t_x, T)


def expected_purchases_new_customer(params: BgNbdParams, t: float | ArrayLike) -> np.ndarray:
    """E[X(t)]: expected repeat purchases in (0, t] of a customer who just bought."""
    t = np.asarray(t, dtype=float)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    hyp = special.hyp2f1(r, b, a + b - 1.0, t / (alpha + t))
    return (a + b - 1.0) / (a - 1.0) * (1.0 - (alpha / (alpha + t)) ** r * hyp)


def simulate_bgnbd(
    params: BgNbdParams, T: ArrayLike, rng: np.random.Generator, holdout: float = 0.0,
) -> dict[str, np.ndarray]:
    """Draw customers from the BG/NBD model (continuous time).

    Each customer makes a first purchase at time 0 and is observed until
    ``T``; ``holdout`` extends the observation by that much after T. Returns
    arrays ``x``, ``t_x`` (calibration, up to T) and ``holdout_x`` (repeat
    purchases in (T, T + holdout]).
    """
    T = np.asarray(T, dtype=float)
    n = T.size
    lam = rng.gamma(shape=params.r, scale=1.0 / params.alpha, size=n)
    p = rng.beta(params.a, params.b, size=n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    holdout_x = np.zeros(n)
    for i in range(n):
        now = 0.0
        end = T[i] + holdout
        while True:
            now += rng.exponential(1.0 / lam[i]) if lam[i] > 0 else np.inf
            if now > end:
                break
            if now <= T[i]:
                x[i] += 1
                t_x[i] = now
            else:
                holdout_x[i] += 1
            if rng.random() < p[i]:
                break
    return {"x": x, "t_x": t_x, "holdout_x": holdout_x}
