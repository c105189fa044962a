"""Sessions, behaviour events, order placements and add-to-cart events.

Every active user-day becomes one or more sessions; every purchase gets its
own session that ends with the order. Sessions carry a traffic source whose
mix matches the platform's reported visit shares. Events are login (first
session of users who log in explicitly, then now and then), page_view and
search (browse), and add_to_cart. Unpaid orders are placed in sessions too
(abandoned attempts before a paid order, and orders never paid). Carts are
placed so that browse -> cart and cart -> order follow the reported funnel;
most orders are 'buy now' orders without a cart event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activity import pairs_key, sorted_unique
from .calendar import Calendar
from .channels import CH, CHANNELS, CONVERSION, VISIT_SHARE, normalised, raw_code_for
from .purchases import Purchases
from .recall import Recall
from .timeutil import DAY, NULL, random_second_of_day
from .users import Users

# Codes are positions: new types are appended (interactions, with their older SDK spellings).
EVENT_TYPES = ("login", "page_view", "search", "add_to_cart", "unknown_evt",
               "share", "comment", "like", "check_in", "checkin", "vote", "review")
PAGES = ("home", "detail", "category", "cart", "campaign")
PAGE_SHARE = np.array([0.42, 0.30, 0.13, 0.05, 0.10])
PLATFORMS = ("app", "mini_program", "web", "APP", "H5", "MiniProgram", "tablet")
SESSION_KINDS = ("regular", "registration", "comeback", "purchase")

EXTRA_SESSION = 0.03            # a second session on an active day
EXTRA_SESSION_PURCHASE_DAY = 0.15
LOGIN_RATE = 0.08               # login event in a later session of a user who logs in
EXTRA_BROWSE = 0.03             # a second browse event in a session
SEARCH_SHARE = 0.22
AFFINITY = 0.35                 # session comes through the user's acquisition channel
ABANDONED_ATTEMPT = 0.06        # unpaid attempt before a paid order, per paid order
UNPAID_SHARE = 0.12             # unpaid orders among all orders
CART_BEFORE_ORDER = 0.08         # paid orders with an add_to_cart in their session
CART_BEFORE_UNPAID = 0.06        # unpaid orders in regular sessions with an add_to_cart before them
CART_NO_ORDER = 0.0186          # carts in sessions with no order in the next 7 days
UTM_CAMPAIGN_RATE = 0.3


@dataclass
class Sessions:
    """Sessions sorted by (start, user); session_id = index + 1."""

    user: np.ndarray
    start_l: np.ndarray
    day: np.ndarray
    kind: np.ndarray             # index into SESSION_KINDS
    channel: np.ndarray          # canonical channel index
    raw_code: np.ndarray         # index into RAW_CODE_LIST
    utm_campaign: np.ndarray     # campaign index or -1


@dataclass
class Placements:
    """Orders placed (paid purchases and unpaid orders), sorted by (user, time)."""

    user: np.ndarray
    placed_l: np.ndarray
    is_paid: np.ndarray
    purchase: np.ndarray         # index into Purchases, -1 for unpaid
    session: np.ndarray          # session index
    channel: np.ndarray
    raw_code: np.ndarray


@dataclass
class Events:
    """Clean behaviour events sorted by (time, user, position)."""

    user: np.ndarray
    session: np.ndarray          # session index
    event_type: np.ndarray       # index into EVENT_TYPES
    page: np.ndarray             # index into PAGES, -1 null
    platform: np.ndarray         # index into PLATFORMS
    raw_code: np.ndarray
    utm_campaign: np.ndarray     # campaign index or -1
    event_l: np.ndarray


def _session_channels(rng: np.random.Generator, users: Users, session_user: np.ndarray,
                      kind: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Channels for sessions without a fixed channel (fixed < 0), hitting the visit mix."""
    n_sessions = len(session_user)
    channel = fixed.copy()
    free = channel < 0
    affinity = free & (rng.random(n_sessions) < AFFINITY)
    channel[affinity] = users.channel[session_user[affinity]]
    comeback = free & ~affinity & (kind == SESSION_KINDS.index("comeback")) & (rng.random(n_sessions) < 0.6)
    channel[comeback] = CH["direct"]
    rest = channel < 0
    target = VISIT_SHARE / VISIT_SHARE.sum() * n_sessions
    known = np.bincount(channel[~rest], minlength=len(CHANNELS))
    share = normalised(np.maximum(target - known, 0.02 * target))
    channel[rest] = rng.choice(len(CHANNELS), size=int(rest.sum()), p=share)
    return channel


def build_sessions(rng: np.random.Generator, users: Users, calendar: Calendar, purchases: Purchases,
                   recall: Recall, active_keys: np.ndarray, end_l: int) -> tuple[Sessions, Placements]:
    """Sessions of every active day and every order placement."""
    n_days = calendar.n_days
    user = active_keys // n_days
    day = active_keys % n_days
    purchase_keys = pairs_key(purchases.user, purchases.time_l // DAY, n_days)
    has_purchase = np.isin(active_keys, purchase_keys)
    is_registration = (day == users.reg_day[user]) & ~users.node1[user]
    comeback_day = np.where(recall.comeback_l == NULL, -1, recall.comeback_l // DAY)
    is_comeback = users.node1[user] & (day == comeback_day[user])

    # Regular sessions.
    n_regular = np.where(is_registration | is_comeback, 0,
                         np.where(has_purchase, (rng.random(len(day)) < EXTRA_SESSION_PURCHASE_DAY).astype(int),
                                  1 + (rng.random(len(day)) < EXTRA_SESSION).astype(int)))
    reg_user = np.repeat(user, n_regular)
    reg_day = np.repeat(day, n_regular)
    reg_start = reg_day * DAY + random_second_of_day(rng, len(reg_day))
    # Registration and comeback sessions.
    first_user = np.concatenate([user[is_registration], user[is_comeback]])
    first_start = np.concatenate([
        users.reg_l[user[is_registration]] + rng.integers(5, 120, size=int(is_registration.sum())),
        recall.comeback_l[user[is_comeback]],
    ])
    first_kind = np.concatenate([
        np.full(int(is_registration.sum()), SESSION_KINDS.index("registration")),
        np.full(int(is_comeback.sum()), SESSION_KINDS.index("comeback")),
    ])
    # Purchase sessions: one per purchase, start fixed later from the events.
    n_purchases = len(purchases.user)
    order_channel = np.where(
        rng.random(n_purchases) < AFFINITY, users.channel[purchases.user],
        rng.choice(len(CHANNELS), size=n_purchases, p=normalised(VISIT_SHARE * CONVERSION)))

    s_user = np.concatenate([reg_user, first_user, purchases.user])
    s_start = np.concatenate([reg_start, first_start, purchases.time_l])
    s_kind = np.concatenate([np.zeros(len(reg_user), dtype=np.int64), first_kind,
                             np.full(n_purchases, SESSION_KINDS.index("purchase"))])
    s_purchase = np.concatenate([np.full(len(reg_user) + len(first_user), -1), np.arange(n_purchases)])
    fixed = np.concatenate([np.full(len(reg_user), -1), np.full(len(first_user), -1), order_channel])
    registration = s_kind == SESSION_KINDS.index("registration")
    fixed[registration] = users.channel[s_user[registration]]
    s_channel = _session_channels(rng, users, s_user, s_kind, fixed)
    s_raw = np.where(s_channel == users.channel[s_user], users.raw_code[s_user], raw_code_for(rng, s_channel))
    s_day = s_start // DAY
    main = calendar.main_campaign[np.clip(s_day, 0, n_days - 1)]
    paid_channel = s_channel < CH["direct"]
    utm = np.where(paid_channel & (main >= 0) & (rng.random(len(s_user)) < UTM_CAMPAIGN_RATE), main, -1)
    utm = np.where(registration & (users.campaign[s_user] >= 0), users.campaign[s_user], utm)

    sessions = Sessions(user=s_user, start_l=s_start, day=s_day, kind=s_kind, channel=s_channel,
                        raw_code=s_raw, utm_campaign=utm)

    # Order placements: paid purchases, abandoned attempts, unpaid orders in regular sessions.
    purchase_session = np.full(n_purchases, -1)
    purchase_session[s_purchase[s_purchase >= 0]] = np.nonzero(s_purchase >= 0)[0]
    attempt = rng.random(n_purchases) < ABANDONED_ATTEMPT
    attempt_idx = np.nonzero(attempt)[0]
    regular_idx = np.nonzero(s_kind == 0)[0]
    n_unpaid_total = UNPAID_SHARE / (1 - UNPAID_SHARE) * n_purchases
    unpaid_rate = max(n_unpaid_total - len(attempt_idx), 0) / max(len(regular_idx), 1)
    unpaid_regular = regular_idx[rng.random(len(regular_idx)) < unpaid_rate]
    p_user = np.concatenate([purchases.user, purchases.user[attempt_idx], s_user[unpaid_regular]])
    p_time = np.concatenate([
        purchases.time_l,
        purchases.time_l[attempt_idx] - rng.integers(60, 600, size=len(attempt_idx)),
        s_start[unpaid_regular] + rng.integers(120, 900, size=len(unpaid_regular)),
    ])
    p_session = np.concatenate([purchase_session, purchase_session[attempt_idx], unpaid_regular])
    p_paid = np.concatenate([np.ones(n_purchases, bool), np.zeros(len(attempt_idx) + len(unpaid_regular), bool)])
    p_purchase = np.concatenate([np.arange(n_purchases), np.full(len(attempt_idx) + len(unpaid_regular), -1)])
    keep = p_time < end_l
    order = np.lexsort((p_time[keep], p_user[keep]))
    sel = np.nonzero(keep)[0][order]
    placements = Placements(user=p_user[sel], placed_l=p_time[sel], is_paid=p_paid[sel],
                            purchase=p_purchase[sel], session=p_session[sel],
                            channel=s_channel[p_session[sel]], raw_code=s_raw[p_session[sel]])
    return sessions, placements


def build_events(rng: np.random.Generator, users: Users, sessions: Sessions, placements: Placements,
                 first_active_l: np.ndarray, n_days: int, end_l: int) -> tuple[Events, Sessions]:
    """Expand sessions into events; fix purchase session start times; sort sessions."""
    n_sessions = len(sessions.user)
    kind = sessions.kind
    first_kind = (kind == SESSION_KINDS.index("registration")) | (kind == SESSION_KINDS.index("comeback"))
    has_login = users.login_habit[sessions.user] & (first_kind | (rng.random(n_sessions) < LOGIN_RATE))
    n_browse = 1 + (rng.random(n_sessions) < EXTRA_BROWSE).astype(np.int64)

    # Carts.
    session_order = np.full(n_sessions, False)
    session_order[placements.session] = True
    is_purchase = kind == SESSION_KINDS.index("purchase")
    unpaid_in_regular = session_order & ~is_purchase
    order_keys = sorted_unique(pairs_key(placements.user, placements.placed_l // DAY, n_days))
    session_keys = pairs_key(sessions.user, sessions.day, n_days)
    position = np.searchsorted(order_keys, session_keys, side="left")
    next_key = np.where(position < len(order_keys), order_keys[np.minimum(position, len(order_keys) - 1)], -1)
    no_order_soon = (next_key < 0) | (next_key // n_days != sessions.user) | (next_key - session_keys > 6)
    has_cart = np.where(is_purchase, rng.random(n_sessions) < CART_BEFORE_ORDER,
                        np.where(unpaid_in_regular, rng.random(n_sessions) < CART_BEFORE_UNPAID,
                                 no_order_soon & (rng.random(n_sessions) < CART_NO_ORDER)))

    counts = has_login.astype(np.int64) + n_browse + has_cart.astype(np.int64)
    total = int(counts.sum())
    starts = np.cumsum(counts) - counts
    lasts = starts + counts - 1
    session_of = np.repeat(np.arange(n_sessions, dtype=np.int32), counts)
    position = (np.arange(total, dtype=np.int64) - starts[session_of]).astype(np.int8)
    etype = (1 + (rng.random(total, dtype=np.float32) < SEARCH_SHARE)).astype(np.int8)
    etype[starts[has_login]] = EVENT_TYPES.index("login")
    etype[lasts[has_cart]] = EVENT_TYPES.index("add_to_cart")
    gaps = rng.integers(10, 240, size=total, dtype=np.int32)
    running = np.cumsum(gaps, dtype=np.int64)
    before_session = running[starts] - gaps[starts]
    duration = running[lasts] - before_session
    # Purchase sessions end just before the order is placed.
    start = sessions.start_l.copy()
    start = np.where(is_purchase, start - duration - rng.integers(30, 300, size=n_sessions), start)
    # A regular session whose unpaid order follows an add-to-cart likewise ends
    # just before that order, so cart -> order is in order in time.
    unpaid_placed = np.full(n_sessions, -1, dtype=np.int64)
    unpaid_orders = ~placements.is_paid
    unpaid_placed[placements.session[unpaid_orders]] = placements.placed_l[unpaid_orders]
    cart_then_unpaid = unpaid_in_regular & has_cart & (unpaid_placed >= 0)
    start = np.where(cart_then_unpaid, unpaid_placed - duration - rng.integers(30, 300, size=n_sessions), start)
    start = np.maximum(start, first_active_l[sessions.user] + 1)
    running -= gaps
    running -= before_session[session_of]
    event_l = running
    event_l += start[session_of]
    del running, gaps
    page = np.full(total, -1, dtype=np.int8)
    page_views = np.nonzero(etype == EVENT_TYPES.index("page_view"))[0]
    page[page_views] = np.searchsorted(np.cumsum(PAGE_SHARE), rng.random(len(page_views)) * PAGE_SHARE.sum())
    first_browse = starts + has_login
    detail = first_browse[is_purchase]
    detail = detail[etype[detail] == EVENT_TYPES.index("page_view")]
    page[detail] = PAGES.index("detail")
    no_campaign = page_views[(page[page_views] == PAGES.index("campaign")) &
                             (sessions.utm_campaign[session_of[page_views]] < 0)]
    page[no_campaign] = PAGES.index("home")
    device = users.device[sessions.user]
    platform_choice = np.where(rng.random(n_sessions) < 0.9, device, rng.integers(0, 3, size=n_sessions))
    # Sessions in (start, user) order: session_id = position + 1.
    session_rank = np.empty(n_sessions, dtype=np.int32)
    session_order = np.argsort(_time_user_key(start, sessions.user), kind="stable")
    session_rank[session_order] = np.arange(n_sessions, dtype=np.int32)
    for name in ("user", "kind", "channel", "raw_code", "utm_campaign"):
        setattr(sessions, name, getattr(sessions, name)[session_order])
    sessions.start_l = start[session_order]
    sessions.day = sessions.start_l // DAY
    platform_choice = platform_choice[session_order]
    session_of = session_rank[session_of]
    # Events in (time, user, position) order.
    keep = np.nonzero(event_l < end_l)[0]
    key = _time_user_key(event_l[keep], sessions.user[session_of[keep]])
    key *= 16
    key += position[keep]
    sel = keep[np.argsort(key)]  # keys are distinct: no stable sort needed
    del key
    session_sel = session_of[sel]
    events = Events(user=sessions.user[session_sel], session=session_sel, event_type=etype[sel], page=page[sel],
                    platform=platform_choice[session_sel], raw_code=sessions.raw_code[session_sel],
                    utm_campaign=sessions.utm_campaign[session_sel], event_l=event_l[sel])
    return events, sessions


def _time_user_key(local_seconds: np.ndarray, user: np.ndarray) -> np.ndarray:
    """A single int64 key ordering by time, then user (times < 2^27 s, users < 2^26)."""
    return local_seconds.astype(np.int64) * (1 << 26) + user
