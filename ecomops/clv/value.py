"""Discounted customer lifetime value from a BG/NBD and a Gamma-Gamma fit."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ecomops.clv.bgnbd import BgNbdParams, conditional_expected_purchases
from ecomops.clv.gamma_gamma import GammaGammaParams, conditional_expected_value

__all__ = ["DAYS_PER_MONTH", "discounted_clv"]

DAYS_PER_MONTH = 365.0 / 12.0


def discounted_clv(
    purchases: BgNbdParams,
    spend: GammaGammaParams,
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    mean_value: ArrayLike,
    months: int = 12,
    monthly_discount_rate: float = 0.01,
) -> np.ndarray:
    """Expected value of the next ``months`` months, discounted monthly.

    CLV = sum over m = 1..months of
    (E[purchases in month m] * E[value of a purchase]) / (1 + d)^m,
    with E[purchases in month m] = E[Y(m * L)] - E[Y((m - 1) * L)], L = 365/12
    days, Y the BG/NBD conditional expectation and the value from the
    Gamma-Gamma conditional mean. ``x``, ``t_x``, ``T`` are in days.
    """
    x = np.asarray(x, dtype=float)
    value = conditional_expected_value(spend, x, mean_value)
    total = np.zeros_like(x)
    previous = np.zeros_like(x)
    for month in range(1, months + 1):
        cumulative = conditional_expected_purchases(purchases, month * DAYS_PER_MONTH, x, t_x, T)
        total += (cumulative - previous) * value / (1.0 + monthly_discount_rate) ** month
        previous = cumulative
    return total
