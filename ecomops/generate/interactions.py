"""Interaction events (互动): share, comment, like and community check-in.

The value model (用户价值分层: 购买频次 × 客单价 × 互动深度) needs how deeply a
user engages, not only how often they buy. Interactions happen inside
sessions that already exist, after the session's first event and on the
same Asia/Shanghai day, so they never create an active day, a session or a
landing event: retention, the funnel, churn nodes and attribution are
unchanged by them.

- check_in and share: one event for every points-ledger entry of that
  reason that a real session produced (farmed entries have no session, so
  no event: points without the behaviour is what farming looks like).
- like: per active month, a Poisson number whose mean grows with the
  month's paid orders (LIKES_PER_MONTH), times a per-user engagement drawn
  from a gamma distribution.
- comment (评价): after a paid order, a review in one of the buyer's
  sessions 2 to 30 days later, with a probability that grows with the same
  engagement.

LIKES_PER_MONTH is calibrated so that about 94% of the user-months with 3 or
more paid orders also have 5 or more interactions: the reports' S level
(3+ purchases and 5+ interactions a month) is then ~4.8% of the month's
buyers (docs/sample_data.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .behaviour import EVENT_TYPES, Events, Sessions
from .crm import Ledger
from .timeutil import DAY, START_DATE

INTERACTION_TYPES = ("share", "comment", "like", "check_in")
# Older app versions log the same actions under other names (repaired in staging).
SPELLINGS = {"check_in": "checkin", "like": "vote", "comment": "review"}
SPELLING_RATE = 0.03
# Mean likes in an active month by the month's paid orders (0, 1, 2, 3 or more).
LIKES_PER_MONTH = (0.05, 0.3, 1.5, 12.0)
ENGAGEMENT_SHAPE = 6.0
COMMENT_RATE = 0.1              # base probability of a review after a paid order
COMMENT_AFTER_DAYS = (2, 30)


@dataclass
class Interactions:
    """Interaction events sorted by (time, user)."""

    user: np.ndarray
    session: np.ndarray          # session index
    event_type: np.ndarray       # index into EVENT_TYPES
    event_l: np.ndarray


def _same_day(local: np.ndarray, start_l: np.ndarray) -> np.ndarray:
    """``local`` clamped to the Asia/Shanghai day of ``start_l`` (never before start_l)."""
    return np.minimum(np.maximum(local, start_l), (start_l // DAY + 1) * DAY - 1)


def _month(local: np.ndarray) -> np.ndarray:
    """Asia/Shanghai calendar month (months since 1970-01) of local seconds."""
    day = (local // DAY).astype("timedelta64[D]")
    return (np.datetime64(START_DATE, "D") + day).astype("datetime64[M]").astype(np.int64)


def _purchases_in_month(purchase_user: np.ndarray, purchase_l: np.ndarray, user: np.ndarray,
                        local: np.ndarray) -> np.ndarray:
    """For each (user, local time), the user's paid orders in that calendar month."""
    keys, counts = np.unique(purchase_user.astype(np.int64) * 100_000 + _month(purchase_l), return_counts=True)
    query = user.astype(np.int64) * 100_000 + _month(local)
    pos = np.clip(np.searchsorted(keys, query), 0, max(len(keys) - 1, 0))
    return np.where((len(keys) > 0) & (keys[pos] == query), counts[pos], 0) if len(keys) else np.zeros(len(user), int)


def build_interactions(rng: np.random.Generator, n_users: int, sessions: Sessions, events: Events,
                       ledger: Ledger, paid_user: np.ndarray, paid_l: np.ndarray, end_l: int) -> Interactions:
    """Interaction events inside existing sessions; see the module docstring."""
    n_sessions = len(sessions.user)
    # Sessions are sorted by (start, user); a session's first event is at its start.
    session_key = sessions.start_l.astype(np.int64) * (1 << 26) + sessions.user
    has_events = np.zeros(n_sessions, dtype=bool)
    has_events[events.session] = True

    parts_session: list[np.ndarray] = []
    parts_type: list[np.ndarray] = []
    parts_l: list[np.ndarray] = []

    # check_in and share: the ledger's session-made entries (start + 20 s / + 90 s).
    for reason, offset, name in ((1, 20, "check_in"), (2, 90, "share")):
        sel = (ledger.reason == reason) & ~ledger.farming & (ledger.entry_type == 0)
        key = (ledger.occurred_l[sel] - offset).astype(np.int64) * (1 << 26) + ledger.user[sel]
        pos = np.clip(np.searchsorted(session_key, key), 0, n_sessions - 1)
        occurred = ledger.occurred_l[sel]
        # An entry past midnight of its session's day would add an active day: no event.
        found = (session_key[pos] == key) & has_events[pos] & (occurred // DAY == sessions.start_l[pos] // DAY)
        session = pos[found]
        parts_session.append(session)
        parts_type.append(np.full(len(session), EVENT_TYPES.index(name)))
        parts_l.append(occurred[found])

    # like: per active user-month (a month with sessions), a Poisson number with
    # mean LIKES_PER_MONTH[paid orders in the month, capped at 3] times a
    # per-user engagement (gamma around 1), each in one of the month's sessions
    # drawn at random, in its first ten minutes.
    engagement = rng.gamma(ENGAGEMENT_SHAPE, 1.0 / ENGAGEMENT_SHAPE, size=n_users)
    eligible = np.nonzero(has_events)[0]
    month_key = sessions.user[eligible].astype(np.int64) * 100_000 + _month(sessions.start_l[eligible])
    by_month = np.argsort(month_key, kind="stable")
    keys, first, size = np.unique(month_key[by_month], return_index=True, return_counts=True)
    month_user = keys // 100_000
    in_month = _purchases_in_month(paid_user, paid_l, month_user, sessions.start_l[eligible[by_month[first]]])
    rate = np.asarray(LIKES_PER_MONTH)[np.minimum(in_month, len(LIKES_PER_MONTH) - 1)]
    n_likes = rng.poisson(rate * engagement[month_user])
    month_of_like = np.repeat(np.arange(len(keys)), n_likes)
    pick = first[month_of_like] + (rng.random(len(month_of_like)) * size[month_of_like]).astype(np.int64)
    session = eligible[by_month[pick]]
    parts_session.append(session)
    parts_type.append(np.full(len(session), EVENT_TYPES.index("like")))
    parts_l.append(_same_day(sessions.start_l[session] + rng.integers(5, 600, size=len(session)),
                             sessions.start_l[session]))

    # comment: a review in a session 2-30 days after a paid order.
    p_comment = np.minimum(COMMENT_RATE * engagement[paid_user], 0.9)
    review = rng.random(len(paid_user)) < p_comment
    r_user = paid_user[review]
    r_from = paid_l[review] + COMMENT_AFTER_DAYS[0] * DAY
    r_to = paid_l[review] + COMMENT_AFTER_DAYS[1] * DAY
    by_user = np.lexsort((sessions.start_l, sessions.user))
    by_user = by_user[has_events[by_user]]
    user_time = sessions.user[by_user].astype(np.int64) * (1 << 40) + sessions.start_l[by_user]
    lo = np.searchsorted(user_time, r_user.astype(np.int64) * (1 << 40) + r_from, side="left")
    hi = np.searchsorted(user_time, r_user.astype(np.int64) * (1 << 40) + r_to, side="right")
    has_session = hi > lo
    pick = lo[has_session] + (rng.random(int(has_session.sum())) * (hi - lo)[has_session]).astype(np.int64)
    session = by_user[pick]
    parts_session.append(session)
    parts_type.append(np.full(len(session), EVENT_TYPES.index("comment")))
    parts_l.append(_same_day(sessions.start_l[session] + rng.integers(30, 900, size=len(session)),
                             sessions.start_l[session]))

    session = np.concatenate(parts_session).astype(np.int64)
    event_type = np.concatenate(parts_type).astype(np.int64)
    event_l = np.concatenate(parts_l).astype(np.int64)
    keep = event_l < end_l
    session, event_type, event_l = session[keep], event_type[keep], event_l[keep]
    # Older SDK spellings of the same actions.
    for name, spelling in SPELLINGS.items():
        hit = (event_type == EVENT_TYPES.index(name)) & (rng.random(len(event_type)) < SPELLING_RATE)
        event_type[hit] = EVENT_TYPES.index(spelling)
    user = sessions.user[session]
    order = np.lexsort((user, event_l))
    return Interactions(user=user[order], session=session[order], event_type=event_type[order],
                        event_l=event_l[order])
