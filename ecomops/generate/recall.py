"""Recall (召回) of users at churn node 1 and whether they come back.

Users with no event within 24 h of registration get up to three recall
messages: day 1 new-user gift push, day 3 video tutorial, day 7 no-threshold
coupon; a step is sent only while the user has not come back. A random 20%
holdout gets no message. Recalled users come back (any event) within 7 days
of step 1 more often (~34%) than the holdout (~20%).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .timeutil import DAY, HOUR, MINUTE, NULL
from .users import Users

HOLDOUT_SHARE = 0.20
COMEBACK_RECALLED = 0.34
COMEBACK_HOLDOUT = 0.20
LATE_COMEBACK = 0.12           # come back later than the 7-day window
STEP_OFFSETS = (1 * DAY, 3 * DAY, 7 * DAY)


@dataclass
class Recall:
    """Per-user recall outcome (meaningful for node-1 users only)."""

    holdout: np.ndarray          # node-1 user in the no-message holdout
    step_sent_l: np.ndarray      # (n, 3) local seconds, NULL if not sent
    step_clicked_l: np.ndarray   # (n, 3) local seconds, NULL if not clicked
    comeback_l: np.ndarray       # first event after registration for node-1 users, NULL if never


def simulate_recall(rng: np.random.Generator, users: Users, end_l: int) -> Recall:
    """Decide holdout, message times, clicks and comeback times."""
    n = users.n
    node1 = users.node1
    holdout = node1 & (rng.random(n) < HOLDOUT_SHARE)
    recalled = node1 & ~holdout
    planned = users.reg_l[:, None] + np.array(STEP_OFFSETS)[None, :] + \
        rng.integers(10 * MINUTE, 2 * HOUR, size=(n, 3))
    step1 = planned[:, 0]

    draw = rng.random(n)
    which = rng.random(n)
    comeback = np.full(n, NULL, dtype=np.int64)
    # Recalled users: come back shortly after one of the steps.
    after = np.where(which < 0.45, 0, np.where(which < 0.70, 1, 2))
    delay = np.where(after == 2, rng.integers(5 * MINUTE, 20 * HOUR, size=n),
                     rng.integers(5 * MINUTE, 44 * HOUR, size=n))
    recalled_back = recalled & (draw < COMEBACK_RECALLED)
    comeback = np.where(recalled_back, planned[np.arange(n), after] + delay, comeback)
    # Holdout: come back on their own, spread over the 7 days after the 24 h mark.
    holdout_back = holdout & (draw < COMEBACK_HOLDOUT)
    comeback = np.where(holdout_back, step1 + rng.integers(5 * MINUTE, 7 * DAY - HOUR, size=n), comeback)
    # Some come back later (days 9..60).
    late = node1 & (comeback == NULL) & (rng.random(n) < LATE_COMEBACK / (1 - COMEBACK_RECALLED))
    comeback = np.where(late, users.reg_l + rng.integers(9 * DAY, 60 * DAY, size=n), comeback)
    comeback = np.where(comeback >= end_l, NULL, comeback)

    # A step is sent while the user has not come back; nothing after the data end.
    back = np.where(comeback == NULL, np.iinfo(np.int64).max, comeback)
    sent = recalled[:, None] & (planned < back[:, None]) & (planned < end_l)
    step_sent_l = np.where(sent, planned, NULL)
    # The step just before the comeback was clicked by most who came back soon after it.
    clicked = sent & (rng.random((n, 3)) < 0.08)
    came_after = sent & (back[:, None] - planned < 2 * DAY) & (back[:, None] > planned)
    clicked |= came_after & (rng.random((n, 3)) < 0.6)
    click_time = np.where(came_after, back[:, None] - rng.integers(MINUTE, 10 * MINUTE, size=(n, 3)),
                          planned + rng.integers(MINUTE, 6 * HOUR, size=(n, 3)))
    click_time = np.maximum(click_time, planned + MINUTE)
    step_clicked_l = np.where(clicked & (click_time < end_l), click_time, NULL)
    return Recall(holdout=holdout, step_sent_l=step_sent_l, step_clicked_l=step_clicked_l, comeback_l=comeback)
