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
ENGAGED_EXTRA_DAYS = 10.0      # mean engaged lifetime beyond day 30
CASUAL_DAY1 = 0.11
CASUAL_DECAY = (0.05, 12.0)    # casual users: 0.05 * exp(-(t-2)/12) from day 2
RETURNED_DECAY = (0.22, 8.0)   # node-1 users after coming back
FLOOR = (0.0025, 0.006)        # occasional visits: floor + extra * Beta(1, 2)
CHUNK = 20_000


def pairs_key(user: np.ndarray, day: np.ndarray, n_days: int) -> np.ndarray:
    """A sortable key of (user, day)."""
    return user.astype(np.int64) * n_days + day


def base_activity(rng: np.random.Generator, users: Users, calendar: Calendar,
                  recall: Recall) -> np.ndarray:
    """Keys (user * n_days + day) of active days, excluding purchase-only days."""
    n, n_days = users.n, calendar.n_days
    lifetime = 30 + rng.exponential(ENGAGED_EXTRA_DAYS, size=n)
    floor = FLOOR[0] + FLOOR[1] * rng.beta(1.0, 2.0, size=n)
    floor = np.where(users.is_under_18, floor * 0.7, floor)
    comeback_day = np.where(recall.comeback_l == NULL, -1, recall.comeback_l // DAY)
    days = np.arange(n_days)[None, :]
    visit = calendar.visit_multiplier[None, :]
    keys = []
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        t = days - users.reg_day[lo:hi, None]
        engaged = users.engaged[lo:hi, None]
        node1 = users.node1[lo:hi, None]
        fl = floor[lo:hi, None]
        casual = np.where(t == 1, CASUAL_DAY1, CASUAL_DECAY[0] * np.exp(-(t - 2) / CASUAL_DECAY[1]) + fl)
        p = np.where(engaged, np.where(t <= lifetime[lo:hi, None], ENGAGED_DAILY, fl), casual)
        cd = comeback_day[lo:hi, None]
        since = days - cd
        returned = np.where(since > 0, RETURNED_DECAY[0] * np.exp(-(since - 1) / RETURNED_DECAY[1]) + fl, 0.0)
        p = np.where(node1, np.where(cd >= 0, returned, 0.0), p)
        p = np.where(t >= 1, np.minimum(p * visit, 0.97), 0.0)
        active = rng.random(p.shape, dtype=np.float32) < p
        rows, cols = np.nonzero(active)
        keys.append(pairs_key(rows + lo, cols, n_days))
    registration_day = np.nonzero(~users.node1)[0]
    keys.append(pairs_key(registration_day, users.reg_day[registration_day], n_days))
    back = np.nonzero(comeback_day >= 0)[0]
    keys.append(pairs_key(back, comeback_day[back], n_days))
    return np.unique(np.concatenate(keys))
