"""Purchase timing and spend: a BG/NBD process with Gamma-Gamma spend.

Each customer buys, while alive, as a Poisson process with a personal rate
drawn from a gamma distribution and, after every purchase, drops out with a
personal probability drawn from a beta distribution (BG/NBD). Each customer's
mean order value is drawn from an inverse gamma and each order's value from a
gamma around it (Gamma-Gamma). Seasonality enters through operational time:
the clock runs faster on promotion days, so the process stays BG/NBD in that
clock. Times are local seconds (see timeutil).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calendar import Calendar
from .channels import CH
from .timeutil import DAY, NULL
from .users import Users

# BG/NBD: purchase rate per (operational) day ~ Gamma(R, scale=1/ALPHA);
# dropout after each purchase ~ Beta(A, B).
R, ALPHA = 0.38, 65.0
A, B = 1.0, 5.0
# Gamma-Gamma: order value ~ Gamma(P_SHAPE, scale=m/P_SHAPE) around a customer
# mean m = P_SHAPE * GAMMA / G with G ~ Gamma(Q_SHAPE).
P_SHAPE, Q_SHAPE, GAMMA = 9.0, 60.0, 1777.0
# A welcome purchase in the first days (new-user gift), before the BG/NBD clock.
WELCOME_PROBABILITY = 0.18
WELCOME_PROBABILITY_NEW_USER_WEEK = 0.45
# The retention work of 2025-Q4 cuts dropout after each purchase to 35% of its rate from 2025-10-01 on.
DROPOUT_FACTOR_FROM_Q4 = 0.35
Q4_START_DAY = 273
MAX_PURCHASES = 90
CHUNK = 50_000


@dataclass
class Purchases:
    """Paid purchases sorted by (user, time)."""

    user: np.ndarray        # user index
    time_l: np.ndarray      # local seconds of placing the order
    value: np.ndarray       # order value before trend/channel factors, yuan
    customer_mean: np.ndarray  # per user mean order value, yuan


def _operational_clock(calendar: Calendar) -> tuple[np.ndarray, np.ndarray]:
    # No secular trend in purchase intensity: growth comes from acquisition,
    # so a BG/NBD fit on an early calibration period can predict later months.
    intensity = calendar.purchase_multiplier.astype(float)
    intensity = intensity / intensity.mean()
    cumulative = np.concatenate([[0.0], np.cumsum(intensity)])
    return intensity, cumulative


def generate_purchases(rng: np.random.Generator, users: Users, calendar: Calendar,
                       first_active_l: np.ndarray) -> Purchases:
    """Simulate each user's purchases from its first active moment to the data end."""
    n = users.n
    intensity, cumulative = _operational_clock(calendar)
    end_op = cumulative[-1]

    rate = rng.gamma(R, 1.0 / ALPHA, size=n)
    rate = np.where(users.channel == CH["private_community"], rate * 2.4, rate)
    rate = np.where(users.is_under_18, rate * 0.7, rate)
    rate = np.where(users.is_new_user_week, rate * 1.2, rate)
    dropout = rng.beta(A, B, size=n)
    dropout = np.where(users.channel == CH["private_community"], dropout * 0.5, dropout)
    dropout = np.where(users.is_under_18, np.minimum(dropout * 1.4, 0.95), dropout)
    customer_mean = P_SHAPE * GAMMA / rng.gamma(Q_SHAPE, 1.0, size=n)

    has_start = first_active_l != NULL
    start_l = np.where(has_start, first_active_l, 0)
    welcome_p = np.where(users.is_new_user_week, WELCOME_PROBABILITY_NEW_USER_WEEK, WELCOME_PROBABILITY)
    welcome = has_start & (rng.random(n) < welcome_p)
    welcome_l = start_l + (rng.exponential(1.2, size=n) * DAY).astype(np.int64) + 300

    start_day = start_l // DAY
    start_op = cumulative[np.clip(start_day, 0, calendar.n_days - 1)] + \
        intensity[np.clip(start_day, 0, calendar.n_days - 1)] * (start_l % DAY) / DAY
    welcome_day = np.clip(welcome_l // DAY, 0, calendar.n_days - 1)
    welcome_op = cumulative[welcome_day] + intensity[welcome_day] * (welcome_l % DAY) / DAY
    clock_start = np.where(welcome, welcome_op, start_op)

    # After each purchase (the welcome purchase included) the customer drops out with probability
    # p, halved from 2025-Q4 on. Memorylessness: the number of purchases survived is a geometric
    # draw with p up to the Q4 boundary, then a fresh geometric draw with the halved p.
    q4_op = cumulative[Q4_START_DAY]
    survive_before = rng.geometric(np.clip(dropout, 1e-4, 1.0)) - 1
    survive_after = rng.geometric(np.clip(dropout * DROPOUT_FACTOR_FROM_Q4, 1e-4, 1.0)) - 1
    welcome_before_q4 = welcome & (welcome_op < q4_op)
    users_out, times_out = [], []
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        m = hi - lo
        gaps = rng.standard_exponential(size=(m, MAX_PURCHASES), dtype=np.float32) / rate[lo:hi, None]
        op = clock_start[lo:hi, None] + np.cumsum(gaps, axis=1, dtype=np.float64)
        # Purchases made so far (welcome first), and how many of them fall before 2025-Q4.
        index = np.arange(MAX_PURCHASES)[None, :] + welcome[lo:hi, None].astype(np.int64)
        n_before = (op < q4_op).sum(axis=1) + welcome_before_q4[lo:hi]
        # Purchase number k (0-based) happens if the customer survived the k purchases before it.
        allowed = np.where(survive_before[lo:hi] < n_before, survive_before[lo:hi],
                           n_before + survive_after[lo:hi])
        keep = (op < end_op) & (index <= allowed[:, None]) & has_start[lo:hi, None]
        rows, cols = np.nonzero(keep)
        users_out.append(rows + lo)
        times_out.append(op[rows, cols])
    user = np.concatenate(users_out)
    op_time = np.concatenate(times_out)
    # Back from operational time to local seconds.
    day = np.clip(np.searchsorted(cumulative, op_time, side="right") - 1, 0, calendar.n_days - 1)
    frac = np.clip((op_time - cumulative[day]) / intensity[day], 0, 0.99999)
    time_l = day * DAY + (frac * DAY).astype(np.int64)

    welcome_users = np.nonzero(welcome & (welcome_l < calendar.n_days * DAY))[0]
    user = np.concatenate([user, welcome_users])
    time_l = np.concatenate([time_l, welcome_l[welcome_users]])
    # Shift purchases in the dead of night to the evening: people buy awake.
    hour = (time_l % DAY) // 3600
    night = (hour >= 1) & (hour < 7)
    time_l = np.where(night, time_l + 14 * 3600, time_l)
    keep = time_l < calendar.n_days * DAY
    user, time_l = user[keep], time_l[keep]
    order = np.lexsort((time_l, user))
    user, time_l = user[order], time_l[order]
    value = rng.gamma(P_SHAPE, 1.0, size=len(user)) * customer_mean[user] / P_SHAPE
    return Purchases(user=user, time_l=time_l, value=value, customer_mean=customer_mean)
