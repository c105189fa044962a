"""CRM: points ledger (积分), member tier changes (会员等级) and messages (触达).

Points: 1 point per yuan paid (floored) on clean paid orders, check-in and
share points, redemptions on orders (100 points = 1 yuan, at most 20% of the
goods amount, taken as part of the order's discount), and year-end expiry of
the year's unused points. A few farmer accounts (刷分) collect check-in and
share points every day; their entries are flagged.
Tiers: the CRM upgrades a user when cumulative gross paid spend crosses 500
(regular) and 5000 (vip) yuan, with a few delayed and manual upgrades.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .behaviour import Sessions
from .calendar import Calendar
from .experiments import PUSH_DAYS, Assignment
from .logistics import Shipments
from .marketing import Offers
from .orders import Orders
from .recall import Recall
from .timeutil import DAY, HOUR, MINUTE, NULL, day_index
from .users import Users

ENTRY_TYPES = ("earn", "redeem", "expire")
REASONS = ("purchase", "check_in", "share", "order_redemption", "year_end_expiry")
CHECK_IN_RATE = 0.04          # check-in on an active day (app / mini-program users)
SHARE_RATE = 0.01             # share per session
CHECK_IN_POINTS, SHARE_POINTS = 5, 10
FARMER_SHARE = 0.0014
REDEEM_Q4, REDEEM_OTHER = 0.5, 0.16
REDEEM_CAP = 0.20             # points cover at most 20% of the goods amount
TIERS = ("non_member", "regular", "vip")
REGULAR_FROM, VIP_FROM = 50_000, 500_000  # cents
DELAYED_UPGRADE_SHARE = 0.015
MANUAL_UPGRADE_SHARE = 0.01
MESSAGE_CHANNELS = ("sms", "push", "wecom", "phone")
PURPOSES = ("recall_1", "recall_2", "recall_3", "promotion", "logistics_notice")
CLICK_RATE = np.array([0.06, 0.08, 0.12, 0.30])
PROMOTION_SHARE = 0.04
MAX_MARKETING_SMS_PER_DAY = 3


@dataclass
class Ledger:
    """Points entries sorted by (time, user, type)."""

    user: np.ndarray
    entry_type: np.ndarray
    reason: np.ndarray
    points: np.ndarray
    order: np.ndarray             # order index or -1
    occurred_l: np.ndarray
    farming: np.ndarray


def _year_start_l(year: np.ndarray) -> np.ndarray:
    return np.where(year >= 2026, day_index(dt.date(2026, 1, 1)) * DAY, 0)


def _year_of(local: np.ndarray) -> np.ndarray:
    return np.where(local >= day_index(dt.date(2026, 1, 1)) * DAY, 2026, 2025)


def build_points(rng: np.random.Generator, users: Users, calendar: Calendar, sessions: Sessions,
                 orders: Orders, end_l: int) -> tuple[Ledger, np.ndarray]:
    """Ledger entries; sets orders.points_cents. Returns the ledger and points redeemed per order."""
    n_users = users.n
    # Check-ins (one per user-day at most) and shares.
    s_user, s_day = sessions.user, sessions.day
    app_user = users.device[s_user] < 2
    key = s_user.astype(np.int64) * calendar.n_days + s_day
    # Sessions are in start order; a stable sort by (user, day) keeps that order inside a day.
    sorted_idx = np.argsort(key, kind="stable")
    first_of_day = np.zeros(len(key), bool)
    sk = key[sorted_idx]
    first_of_day[sorted_idx[np.concatenate([[True], sk[1:] != sk[:-1]])]] = True
    check_in = first_of_day & app_user & (rng.random(len(key)) < CHECK_IN_RATE)
    share = rng.random(len(key)) < SHARE_RATE
    race_days = np.zeros(calendar.n_days, bool)
    for index, campaign in enumerate(calendar.campaigns):
        if campaign.campaign_type == "points_race":
            race_days |= calendar.active[index]
    ci_points = np.where(race_days[np.clip(s_day[check_in], 0, calendar.n_days - 1)], 2 * CHECK_IN_POINTS,
                         CHECK_IN_POINTS)
    np_user = [s_user[check_in], s_user[share]]
    np_time = [sessions.start_l[check_in] + 20, sessions.start_l[share] + 90]
    np_points = [ci_points, np.full(int(share.sum()), SHARE_POINTS)]
    np_reason = [np.full(int(check_in.sum()), 1), np.full(int(share.sum()), 2)]
    np_flag = [np.zeros(int(check_in.sum()), bool), np.zeros(int(share.sum()), bool)]
    # Farmers: daily check-in and two shares for weeks on end.
    candidates = np.nonzero(~users.is_test & (users.reg_day < calendar.n_days - 90))[0]
    n_farmers = max(int(round(FARMER_SHARE * (~users.is_test).sum())), 2)
    farmers = rng.choice(candidates, size=n_farmers, replace=False)
    burst = rng.integers(20, 45, size=n_farmers)
    begin = users.reg_day[farmers] + rng.integers(1, 60, size=n_farmers)
    f_user = np.repeat(farmers, burst)
    f_day = np.repeat(begin, burst) + (np.arange(burst.sum()) - np.repeat(np.cumsum(burst) - burst, burst))
    ok = f_day < calendar.n_days
    f_user, f_day = f_user[ok], f_day[ok]
    base = f_day * DAY + 8 * HOUR + rng.integers(0, 600, size=len(f_day))
    for offset, reason, points in ((0, 1, CHECK_IN_POINTS), (3 * HOUR, 2, SHARE_POINTS), (9 * HOUR, 2, SHARE_POINTS)):
        np_user.append(f_user)
        np_time.append(base + offset + rng.integers(0, 900, size=len(f_day)))
        np_points.append(np.full(len(f_day), points))
        np_reason.append(np.full(len(f_day), reason))
        np_flag.append(np.ones(len(f_day), bool))
    nu = np.concatenate(np_user)
    nt = np.concatenate(np_time)
    npnt = np.concatenate(np_points)
    nr = np.concatenate(np_reason)
    nf = np.concatenate(np_flag)
    keep = nt < end_l
    nu, nt, npnt, nr, nf = nu[keep], nt[keep], npnt[keep], nr[keep], nf[keep]
    order = np.lexsort((nt, nu))
    nu, nt, npnt, nr, nf = nu[order], nt[order], npnt[order], nr[order], nf[order]
    span = np.int64(1) << 40
    np_keys = nu.astype(np.int64) * span + nt
    np_cum = np.concatenate([[0], np.cumsum(npnt)])

    def nonpurchase_in_year(user: np.ndarray, t: np.ndarray) -> np.ndarray:
        upto = np.searchsorted(np_keys, user.astype(np.int64) * span + t, side="right")
        since = np.searchsorted(np_keys, user.astype(np.int64) * span + _year_start_l(_year_of(t)), side="left")
        return np_cum[upto] - np_cum[since]

    # Purchases in (user, paid time) order, processed rank by rank.
    buy = np.nonzero(orders.clean & orders.is_paid)[0]
    buy = buy[np.lexsort((orders.paid_l[buy], orders.user[buy]))]
    b_user = orders.user[buy]
    new_user = np.concatenate([[True], b_user[1:] != b_user[:-1]])
    group_start = np.maximum.accumulate(np.where(new_user, np.arange(len(buy)), 0))
    rank = np.arange(len(buy)) - group_start
    earned_in_year = np.zeros(n_users, dtype=np.int64)
    redeemed_in_year = np.zeros(n_users, dtype=np.int64)
    current_year = np.full(n_users, 2025)
    redeem_pts = np.zeros(len(buy), dtype=np.int64)
    earn_pts = np.zeros(len(buy), dtype=np.int64)
    q4 = (orders.paid_l[buy] >= day_index(dt.date(2025, 10, 1)) * DAY) & \
        (orders.paid_l[buy] < day_index(dt.date(2026, 1, 1)) * DAY)
    wants = rng.random(len(buy)) < np.where(q4, REDEEM_Q4, REDEEM_OTHER)
    for r in range(int(rank.max(initial=-1)) + 1):
        at = np.nonzero(rank == r)[0]
        o = buy[at]
        u = b_user[at]
        t = orders.paid_l[o]
        year = _year_of(t)
        reset = year != current_year[u]
        earned_in_year[u[reset]] = 0
        redeemed_in_year[u[reset]] = 0
        current_year[u] = year
        balance = nonpurchase_in_year(u, t) + earned_in_year[u] - redeemed_in_year[u]
        cap = (orders.goods_cents[o] * REDEEM_CAP).astype(np.int64)
        amount = (np.minimum(balance, cap) // 100) * 100
        amount = np.where(wants[at] & (amount >= 100), amount, 0)
        redeem_pts[at] = amount
        orders.points_cents[o] = amount        # 100 points = 1 yuan = 100 cents
        earn = orders.paid_cents[o] // 100
        earn_pts[at] = earn
        earned_in_year[u] += earn
        redeemed_in_year[u] += amount

    # Year-end expiry of 2025 points.
    year_end = day_index(dt.date(2025, 12, 31)) * DAY + DAY - 1
    in_2025 = orders.paid_l[buy] < year_end
    earned_2025 = np.bincount(b_user[in_2025], weights=earn_pts[in_2025], minlength=n_users)
    redeemed_2025 = np.bincount(b_user[in_2025], weights=redeem_pts[in_2025], minlength=n_users)
    np_2025 = nt <= year_end
    nonp_2025 = np.bincount(nu[np_2025], weights=npnt[np_2025], minlength=n_users)
    balance_2025 = np.round(earned_2025 + nonp_2025 - redeemed_2025).astype(np.int64)
    expiring = np.nonzero(balance_2025 > 0)[0] if year_end < end_l else np.zeros(0, dtype=np.int64)

    redeemed = redeem_pts > 0
    user = np.concatenate([nu, b_user[redeemed], b_user, expiring])
    entry_type = np.concatenate([np.zeros(len(nu)), np.ones(int(redeemed.sum())), np.zeros(len(buy)),
                                 np.full(len(expiring), 2)]).astype(np.int64)
    reason = np.concatenate([nr, np.full(int(redeemed.sum()), 3), np.zeros(len(buy)),
                             np.full(len(expiring), 4)]).astype(np.int64)
    points = np.concatenate([npnt, redeem_pts[redeemed], earn_pts, balance_2025[expiring]]).astype(np.int64)
    order_ref = np.concatenate([np.full(len(nu), -1), buy[redeemed], buy, np.full(len(expiring), -1)])
    occurred = np.concatenate([nt, orders.paid_l[buy][redeemed], orders.paid_l[buy] + 1,
                               np.full(len(expiring), year_end)])
    farming = np.concatenate([nf, np.zeros(int(redeemed.sum()) + len(buy) + len(expiring), bool)])
    # Orders paid for zero yuan earn nothing: no entry.
    keep = (points > 0) & (occurred < end_l)
    sort = np.lexsort((entry_type[keep], user[keep], occurred[keep]))
    sel = np.nonzero(keep)[0][sort]
    ledger = Ledger(user=user[sel], entry_type=entry_type[sel], reason=reason[sel], points=points[sel],
                    order=order_ref[sel], occurred_l=occurred[sel], farming=farming[sel])
    redeemed_by_order = np.zeros(len(orders.order_id), dtype=np.int64)
    redeemed_by_order[buy] = redeem_pts
    return ledger, redeemed_by_order


@dataclass
class TierChanges:
    """Tier changes sorted by (time, user)."""

    user: np.ndarray
    from_tier: np.ndarray
    to_tier: np.ndarray
    changed_l: np.ndarray


def build_tiers(rng: np.random.Generator, users: Users, orders: Orders, end_l: int) -> TierChanges:
    """Upgrades when cumulative gross paid spend crosses 500 and 5000 yuan (CRM rule)."""
    buy = np.nonzero(orders.clean & orders.is_paid)[0]
    buy = buy[np.lexsort((orders.paid_l[buy], orders.user[buy]))]
    b_user = orders.user[buy]
    paid = orders.paid_cents[buy]
    new_user = np.concatenate([[True], b_user[1:] != b_user[:-1]])
    total = np.cumsum(paid)
    start_total = np.maximum.accumulate(np.where(new_user, total - paid, 0))
    cumulative = total - start_total
    before = cumulative - paid
    cross_regular = (before < REGULAR_FROM) & (cumulative >= REGULAR_FROM)
    cross_vip = (before < VIP_FROM) & (cumulative >= VIP_FROM)
    t = orders.paid_l[buy] + rng.integers(MINUTE, 30 * MINUTE, size=len(buy))
    both = cross_regular & cross_vip
    rows_user = np.concatenate([b_user[cross_regular & ~both], b_user[cross_vip & ~both], b_user[both]])
    rows_from = np.concatenate([np.zeros(int((cross_regular & ~both).sum())),
                                np.ones(int((cross_vip & ~both).sum())), np.zeros(int(both.sum()))])
    rows_to = np.concatenate([np.ones(int((cross_regular & ~both).sum())),
                              np.full(int((cross_vip & ~both).sum()), 2), np.full(int(both.sum()), 2)])
    rows_t = np.concatenate([t[cross_regular & ~both], t[cross_vip & ~both], t[both]])
    # Delayed upgrades (the CRM batch missed them for days).
    delayed = rng.random(len(rows_t)) < DELAYED_UPGRADE_SHARE
    rows_t = np.where(delayed, rows_t + rng.integers(3 * DAY, 20 * DAY, size=len(rows_t)), rows_t)
    # Manual upgrades of buyers who never reached 500 yuan (goodwill, complaints).
    final = np.zeros(users.n, dtype=np.int64)
    np.add.at(final, b_user, paid)
    last_paid = np.full(users.n, NULL)
    last_paid[b_user] = orders.paid_l[buy]
    near = np.nonzero((final >= 20_000) & (final < REGULAR_FROM) & ~users.is_test)[0]
    n_manual = min(max(int(round(MANUAL_UPGRADE_SHARE * len(rows_t))), 1), len(near))
    manual = np.sort(rng.choice(near, size=n_manual, replace=False))
    rows_user = np.concatenate([rows_user, manual])
    rows_from = np.concatenate([rows_from, np.zeros(len(manual))]).astype(np.int64)
    rows_to = np.concatenate([rows_to, np.ones(len(manual))]).astype(np.int64)
    rows_t = np.concatenate([rows_t, last_paid[manual] + rng.integers(DAY, 10 * DAY, size=len(manual))])
    # A delayed regular upgrade must not land after the same user's vip upgrade.
    keep = rows_t < end_l
    rows_user, rows_from, rows_to, rows_t = rows_user[keep], rows_from[keep], rows_to[keep], rows_t[keep]
    order = np.lexsort((rows_to, rows_user))
    rows_user, rows_from, rows_to, rows_t = rows_user[order], rows_from[order], rows_to[order], rows_t[order]
    same_user_next = np.concatenate([rows_user[1:] == rows_user[:-1], [False]])
    next_t = np.concatenate([rows_t[1:], [0]])
    rows_t = np.where(same_user_next & (rows_t >= next_t), next_t - HOUR, rows_t)
    sort = np.lexsort((rows_user, rows_t))
    return TierChanges(user=rows_user[sort], from_tier=rows_from[sort].astype(np.int64),
                       to_tier=rows_to[sort].astype(np.int64), changed_l=rows_t[sort])


@dataclass
class Messages:
    """Messages sorted by (sent, user)."""

    user: np.ndarray
    channel: np.ndarray
    purpose: np.ndarray
    campaign: np.ndarray
    sent_l: np.ndarray
    clicked_l: np.ndarray


def build_messages(rng: np.random.Generator, users: Users, calendar: Calendar, recall: Recall,
                   assignment: Assignment, shipments: Shipments, orders: Orders, offers: Offers,
                   end_l: int) -> Messages:
    """Recall steps, experiment pushes, campaign promotions and logistics notices."""
    parts: list[dict[str, np.ndarray]] = []

    def add(user, channel, purpose, campaign, sent, clicked):
        count = len(user)
        parts.append(dict(user=np.asarray(user), channel=np.broadcast_to(channel, count).astype(np.int64),
                          purpose=np.broadcast_to(purpose, count).astype(np.int64),
                          campaign=np.broadcast_to(campaign, count).astype(np.int64),
                          sent=np.asarray(sent), clicked=np.asarray(clicked)))

    def clicks(channel, sent):
        hit = rng.random(len(sent)) < CLICK_RATE[channel]
        return np.where(hit, sent + rng.integers(MINUTE, 6 * HOUR, size=len(sent)), NULL)

    # Recall steps.
    for step in range(3):
        holders = np.nonzero(recall.step_sent_l[:, step] != NULL)[0]
        app = users.device[holders] == 0
        pick = rng.random(len(holders))
        if step == 0:
            channel = np.where(app, 1, 0)
        elif step == 1:
            channel = np.where(pick < 0.5, 2, np.where(pick < 0.9, np.where(app, 1, 0), 3))
        else:
            channel = np.where(pick < 0.8, 0, 3)
        add(holders, channel, step, -1, recall.step_sent_l[holders, step], recall.step_clicked_l[holders, step])
    # Experiment wake-up pushes.
    for group, name in ((0, "A"), (1, "B")):
        members = np.nonzero(assignment.group == group)[0]
        for offset in PUSH_DAYS[name]:
            sent = np.where(offset == 0, assignment.assigned_l[members] + 10 * MINUTE,
                            (assignment.day[members] + offset) * DAY + 10 * HOUR + rng.integers(0, 3600, size=len(members)))
            add(assignment.user[members], 1, 3, -1, sent, clicks(np.ones(len(members), dtype=np.int64), sent))
    # Campaign promotions on the first day of campaigns with a clear window.
    for index, campaign in enumerate(calendar.campaigns):
        if campaign.campaign_type in ("member_day", "weekend_flash_sale", "referral") or campaign.audience:
            continue
        start_day = calendar.campaign_start[index]
        if start_day >= calendar.n_days:
            continue
        send_l = start_day * DAY + 10 * HOUR
        eligible = np.nonzero((users.reg_l < send_l) & ~users.is_test)[0]
        chosen = eligible[rng.random(len(eligible)) < PROMOTION_SHARE]
        channel = rng.choice(3, size=len(chosen), p=[0.4, 0.4, 0.2])
        sent = send_l + rng.integers(0, 2 * HOUR, size=len(chosen))
        add(chosen, channel, 3, index, sent, clicks(channel, sent))
    # Targeted coupon offers (WeCom to the community, app push to members); see marketing.Offers.
    offer_channel = np.where(offers.campaign >= 0, np.array([2 if calendar.campaigns[c].audience == "private_community"
                                                             else 1 for c in offers.campaign], dtype=np.int64), 1)
    add(offers.user, offer_channel, 3, offers.campaign, offers.sent_l, clicks(offer_channel, offers.sent_l))
    # Logistics notices: delay notices for parcels not delivered by the promise.
    late = (shipments.delivered_l == NULL) | (shipments.delivered_l > shipments.promised_l)
    idx = np.nonzero(late)[0]
    notice_user = orders.user[shipments.order[idx]]
    sent = shipments.promised_l[idx] + rng.integers(0, 6 * HOUR, size=len(idx))
    channel = np.where(rng.random(len(idx)) < 0.5, 0, 1)
    add(notice_user, channel, 4, -1, sent, clicks(channel, sent))

    merged = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    keep = merged["sent"] < end_l
    merged = {key: values[keep] for key, values in merged.items()}
    merged["clicked"] = np.where(merged["clicked"] >= end_l, NULL, merged["clicked"])
    # Compliance: at most 3 marketing SMS per user per Asia/Shanghai day.
    marketing_sms = (merged["channel"] == 0) & (merged["purpose"] <= 3)
    day_key = merged["user"].astype(np.int64) * 10_000 + merged["sent"] // DAY
    order = np.lexsort((merged["sent"], day_key, ~marketing_sms))
    sorted_key = np.where(marketing_sms[order], day_key[order], -1 - np.arange(len(order)))
    new_group = np.concatenate([[True], sorted_key[1:] != sorted_key[:-1]])
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(len(order)), 0))
    rank = np.arange(len(order)) - group_start
    over = np.zeros(len(order), bool)
    over[order] = marketing_sms[order] & (rank >= MAX_MARKETING_SMS_PER_DAY)
    merged = {key: values[~over] for key, values in merged.items()}
    sort = np.lexsort((merged["user"], merged["sent"]))
    return Messages(user=merged["user"][sort], channel=merged["channel"][sort], purpose=merged["purpose"][sort],
                    campaign=merged["campaign"][sort], sent_l=merged["sent"][sort], clicked_l=merged["clicked"][sort])
