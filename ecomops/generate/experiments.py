"""The A/B test coupon_push_2025q2 (growth team).

The CRM assigns active users server-side: users active in the 90 days before
2025-05-15 are assigned in the nightly batch of 2025-05-15, and users who
register (or come back) up to 2025-06-15 when they do; half go to A (满200减20 coupon + daily wake-up push) and
half to B (满300减30 coupon + a push every third day, the control). Their
activity after assignment follows the group: 30-day retention (active on
exactly day 30 after the assignment day) ~41.5% in A vs ~35.3% in B.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .activity import first_of_runs, pairs_key, sorted_unique
from .timeutil import DAY, HOUR, day_index
from .users import Users

EXPERIMENT_ID = "coupon_push_2025q2"
WINDOW = (dt.date(2025, 5, 15), dt.date(2025, 6, 15))
RETENTION_30 = {"A": 0.415, "B": 0.353}
AOV_TARGET = {"A": 250.0, "B": 225.0}
COUPON = {"A": (200, 20), "B": (300, 30)}
PUSH_DAYS = {"A": tuple(range(0, 7)), "B": (0, 3, 6)}
OVERRIDE_DAYS = 30
LOOKBACK_DAYS = 90
BATCH_HOUR = 2  # Asia/Shanghai hour of the assignment batch


@dataclass
class Assignment:
    """One row per assigned user, sorted by user index."""

    user: np.ndarray
    day: np.ndarray            # assignment day index
    group: np.ndarray          # 0 = A, 1 = B
    assigned_l: np.ndarray     # local seconds of the assignment


def assign(rng: np.random.Generator, users: Users, active_keys: np.ndarray, n_days: int) -> Assignment:
    """Assign every non-test user active in the 90 days before or during the window."""
    lo, hi = day_index(WINDOW[0]), day_index(WINDOW[1])
    user = active_keys // n_days
    day = active_keys % n_days
    in_window = (day >= lo - LOOKBACK_DAYS) & (day <= hi) & ~users.is_test[user]
    user, day = user[in_window], day[in_window]
    # First active day in the lookback-or-window span, per user (keys are sorted).
    first = first_of_runs(user)
    user, first_day = user[first], day[first]
    # Active before the window: the 2025-05-15 batch. Otherwise: the first visit in the window.
    in_batch = first_day < lo
    assigned_day = np.where(in_batch, lo, first_day)
    batch_l = lo * DAY + BATCH_HOUR * HOUR + rng.integers(0, 1800, size=len(user))
    registered_today = users.reg_day[user] == first_day
    visit_l = np.where(registered_today, users.reg_l[user] + rng.integers(5, 60, size=len(user)),
                       first_day * DAY + BATCH_HOUR * HOUR + rng.integers(0, 1800, size=len(user)))
    assigned_l = np.where(in_batch, batch_l, visit_l)
    group = np.zeros(len(user), dtype=np.int64)
    group[rng.permutation(len(user))[: len(user) // 2]] = 1
    return Assignment(user=user, day=assigned_day, group=group, assigned_l=assigned_l)


def override_activity(rng: np.random.Generator, assignment: Assignment, active_keys: np.ndarray,
                      purchase_keys: np.ndarray, n_days: int) -> np.ndarray:
    """Replace assigned users' activity in the 40 days after assignment by the group's.

    Purchase days stay active. On day 30 exactly round(rate * n) users of
    each group are active (purchases on that day count first).
    """
    user_of = active_keys // n_days
    day_of = active_keys % n_days
    start = np.full(int(user_of.max(initial=0)) + 1, np.iinfo(np.int64).max)
    start[assignment.user] = assignment.day
    window_end = np.full_like(start, -1)
    window_end[assignment.user] = assignment.day + OVERRIDE_DAYS
    drop = (day_of > start[user_of]) & (day_of <= window_end[user_of])
    drop &= ~np.isin(active_keys, purchase_keys)
    kept = active_keys[~drop]

    added = []
    rates = np.where(assignment.group == 0, RETENTION_30["A"], RETENTION_30["B"])
    offsets = np.arange(1, OVERRIDE_DAYS + 1)
    shape = 1.12 - 0.004 * offsets  # gently falling, 1.0 on day 30
    draw = rng.random((len(assignment.user), OVERRIDE_DAYS)) < rates[:, None] * shape[None, :]
    draw[:, 29] = False
    rows, cols = np.nonzero(draw)
    added.append(pairs_key(assignment.user[rows], assignment.day[rows] + offsets[cols], n_days))
    # Day 30: exact counts per group.
    day30 = assignment.day + 30
    key30 = pairs_key(assignment.user, day30, n_days)
    has_purchase = np.isin(key30, purchase_keys)
    for group in (0, 1):
        members = np.nonzero(assignment.group == group)[0]
        target = int(round(rates[members[0]] * len(members))) if len(members) else 0
        already = members[has_purchase[members]]
        others = members[~has_purchase[members]]
        need = max(target - len(already), 0)
        chosen = rng.permutation(others)[:need]
        added.append(key30[chosen])
    # Assignment ends by 2025-06-15, so day + 40 stays inside the data span.
    return sorted_unique(np.concatenate([kept, *added]))


@dataclass(frozen=True)
class SideExperiment:
    """An experiment with no effect on behaviour: only its assignment log is written."""

    experiment_id: str
    window: tuple[dt.date, dt.date]
    traffic: float          # share of the window's active users that enter the experiment
    lost_b_share: float     # share of group B's assignment rows the logging drops (0 = intact)
    note: str


# Two checks of the experiment marts' rigour, documented in docs/sample_data.md:
# an A/A test (the same experience in both groups: no difference, no SRM) and a
# broken split (designed 50/50, but a logging bug drops half of B's assignment
# rows, so the sample-ratio-mismatch check must flag it).
SIDE_EXPERIMENTS: tuple[SideExperiment, ...] = (
    SideExperiment("homepage_banner_aa_2025q3", (dt.date(2025, 8, 1), dt.date(2025, 8, 31)), 0.6, 0.0,
                   "A/A: both groups see the same banner"),
    SideExperiment("search_ranking_2025q4", (dt.date(2025, 11, 1), dt.date(2025, 11, 30)), 0.6, 0.5,
                   "broken split: half of group B's assignment rows are lost"),
)


def assign_side(rng: np.random.Generator, experiment: SideExperiment, users: Users, active_keys: np.ndarray,
                n_days: int) -> Assignment:
    """Assign a share of the users active in the window on their first active day in it, by a fair coin.

    Behaviour is not changed; group B loses ``lost_b_share`` of its rows (the log, not the users)."""
    lo, hi = day_index(experiment.window[0]), day_index(experiment.window[1])
    user = active_keys // n_days
    day = active_keys % n_days
    in_window = (day >= lo) & (day <= hi) & ~users.is_test[user]
    user, day = user[in_window], day[in_window]
    first = first_of_runs(user)
    user, day = user[first], day[first]
    entered = rng.random(len(user)) < experiment.traffic
    user, day = user[entered], day[entered]
    group = (rng.random(len(user)) < 0.5).astype(np.int64)  # a fair coin per user
    registered_today = users.reg_day[user] == day
    assigned_l = np.where(registered_today, users.reg_l[user] + rng.integers(5, 60, size=len(user)),
                          day * DAY + 9 * HOUR + rng.integers(0, 12 * HOUR, size=len(user)))
    kept = ~((group == 1) & (rng.random(len(user)) < experiment.lost_b_share))
    return Assignment(user=user[kept], day=day[kept], group=group[kept], assigned_l=assigned_l[kept])
