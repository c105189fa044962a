"""Which users are active on which Asia/Shanghai days.

A user is active on the registration day (unless at churn node 1), on days
drawn from an engagement profile, on the day a node-1 user comes back, and on
every day with a purchase. Engaged users visit on most days for their first
month or so (30-day retention ~32% -> 38%); casual users drift away quickly;
everyone keeps a small floor of occasional visits.
"""

from __future__ import annotations

import numpy as np

from .calendar import Calendar
from .recall import Recall
from .timeutil import DAY, NULL
from .users import Users

ENGAGED_DAILY = 0.84           # daily visit probability of an engaged user
ENGAGED_EXTRA_DAYS = 5.0      # mean engaged lifetime beyond day 30
CASUAL_DAY1 = 0.05
CASUAL_DECAY = (0.05, 12.0)    # casual users: 0.05 * exp(-(t-2)/12) from day 2
RETURNED_DECAY = (0.22, 8.0)   # node-1 users after coming back
FLOOR = (0.0025, 0.006)        # occasional visits: floor + extra * Beta(1, 2)
WINDOW = 60                    # days after registration / comeback drawn day by day
CHUNK = 100_000


def pairs_key(user: np.ndarray, day: np.ndarray, n_days: int) -> np.ndarray:
    """A sortable key of (user, day)."""
    return user.astype(np.int64) * n_days + day


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a diff: faster than np.unique on large int arrays)."""
    values = np.sort(values, kind="stable")
    if len(values) == 0:
        return values
    return values[np.concatenate([[True], values[1:] != values[:-1]])]


def first_of_runs(sorted_values: np.ndarray) -> np.ndarray:
    """Positions where a new value starts in a sorted array."""
    if len(sorted_values) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.nonzero(np.concatenate([[True], sorted_values[1:] != sorted_values[:-1]]))[0]


def _dense_window(rng: np.random.Generator, users: np.ndarray, origin: np.ndarray, profile, visit: np.ndarray,
                  n_days: int) -> np.ndarray:
    """Day-by-day draws for days origin+1 .. origin+WINDOW with probability profile(rows, t)."""
    keys = []
    t = np.arange(1, WINDOW + 1, dtype=np.int64)[None, :]
    for lo in range(0, len(users), CHUNK):
        hi = min(lo + CHUNK, len(users))
        day = origin[lo:hi, None] + t
        inside = day < n_days
        p = profile(slice(lo, hi), t) * visit[np.minimum(day, n_days - 1)]
        p = np.where(inside, np.minimum(p, 0.97), 0.0)
        rows, cols = np.nonzero(rng.random(p.shape, dtype=np.float32) < p)
        keys.append(pairs_key(users[lo + rows], day[rows, cols], n_days))
    return np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)


def _floor_visits(rng: np.random.Generator, users: np.ndarray, start: np.ndarray, floor: np.ndarray,
                  visit: np.ndarray, n_days: int) -> np.ndarray:
    """Occasional visits from day ``start`` to the data end at a low daily rate (thinned Poisson)."""
    span = np.maximum(n_days - start, 0)
    peak = visit.max()
    count = rng.poisson(floor * peak * span)
    owner = np.repeat(np.arange(len(users)), count)
    day = start[owner] + (rng.random(len(owner)) * span[owner]).astype(np.int64)
    keep = rng.random(len(owner)) < visit[np.minimum(day, n_days - 1)] / peak
    return pairs_key(users[owner[keep]], day[keep], n_days)


def base_activity(rng: np.random.Generator, users: Users, calendar: Calendar,
                  recall: Recall) -> np.ndarray:
    """Sorted keys (user * n_days + day) of active days, excluding purchase-only days."""
    n, n_days = users.n, calendar.n_days
    visit = calendar.visit_multiplier
    lifetime = 30 + rng.exponential(ENGAGED_EXTRA_DAYS, size=n)
    floor = FLOOR[0] + FLOOR[1] * rng.beta(1.0, 2.0, size=n)
    floor = np.where(users.is_under_18, floor * 0.7, floor)
    comeback_day = np.where(recall.comeback_l == NULL, -1, recall.comeback_l // DAY)
    keys = []

    # Users not at node 1: engaged or casual from the day after registration.
    regular = np.nonzero(~users.node1)[0]
    engaged = users.engaged[regular]

    def regular_profile(rows: slice, t: np.ndarray) -> np.ndarray:
        fl = floor[regular[rows], None]
        casual = np.where(t == 1, CASUAL_DAY1, CASUAL_DECAY[0] * np.exp(-(t - 2) / CASUAL_DECAY[1]) + fl)
        return np.where(engaged[rows, None], np.where(t <= lifetime[regular[rows], None], ENGAGED_DAILY, fl), casual)

    keys.append(_dense_window(rng, regular, users.reg_day[regular], regular_profile, visit, n_days))
    keys.append(_floor_visits(rng, regular, users.reg_day[regular] + WINDOW + 1, floor[regular], visit, n_days))
    # Node-1 users who came back: a short burst after the comeback, then the floor.
    back = np.nonzero(comeback_day >= 0)[0]

    def returned_profile(rows: slice, t: np.ndarray) -> np.ndarray:
        return RETURNED_DECAY[0] * np.exp(-(t - 1) / RETURNED_DECAY[1]) + floor[back[rows], None]

    keys.append(_dense_window(rng, back, comeback_day[back], returned_profile, visit, n_days))
    keys.append(_floor_visits(rng, back, comeback_day[back] + WINDOW + 1, floor[back], visit, n_days))
    # The registration day (everyone not at node 1) and the comeback day.
    keys.append(pairs_key(regular, users.reg_day[regular], n_days))
    keys.append(pairs_key(back, comeback_day[back], n_days))
    return sorted_unique(np.concatenate(keys))
