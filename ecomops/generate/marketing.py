"""Marketing: coupons (and their redemption on orders), channel spend, campaigns.

Coupons are issued by campaigns (新人福利周, 推荐有礼, festivals, 限时折扣夜),
by recall step 3 (no-threshold coupon) and by the A/B test. A coupon is used
on its holder's first paid order within its validity whose goods amount
(list - promotion) reaches the threshold. Channel spend is derived from the
GMV each channel earns (last touch = the order's session) and a weekly target
ROI per channel; campaign-tied spend is booked so that campaign ROI = GMV of
the campaign's orders / (tied spend + coupons + points) lands on its target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .behaviour import Sessions
from .calendar import Calendar
from .channels import CH, IMPRESSIONS_PER_YUAN, PAID_CHANNELS, TARGET_ROI
from .experiments import COUPON, Assignment
from .orders import Orders
from .recall import Recall
from .timeutil import DAY, HOUR, MINUTE, NULL
from .users import Users

REDEEM_PROBABILITY = {"new_user_week": 0.85, "referral": 0.7, "campaign": 0.75, "recall": 0.6, "experiment": 0.75,
                      "offer": 0.95}
MEMBER_FROM_CENTS = 50_000    # a "members" audience: 500 yuan paid before the offer
RECALL_COUPON = (0, 10)
REFERRAL_CAC_YUAN = 5.0
SPEND_FLOOR_YUAN = 10.0
ROI_WOBBLE = 0.16             # weekly log-sd of a channel's ROI around its target


@dataclass
class Offers:
    """Targeted coupon offers (one message each); the claimed ones are coupons."""

    user: np.ndarray
    campaign: np.ndarray          # campaign index
    sent_l: np.ndarray


@dataclass
class Coupons:
    """Coupons sorted by (issued, user)."""

    user: np.ndarray
    campaign: np.ndarray
    threshold_cents: np.ndarray
    value_cents: np.ndarray
    issued_l: np.ndarray
    expires_l: np.ndarray
    redeemed_order: np.ndarray    # order index or -1
    source: np.ndarray            # index into COUPON_SOURCES
    offers: Offers


COUPON_SOURCES = ("new_user_week", "referral", "campaign", "recall", "experiment", "offer")


def _offer(rng: np.random.Generator, users: Users, calendar: Calendar, orders: Orders, index: int,
           real: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Who a targeted campaign offers its coupon to, and when (local seconds).

    The audience (community users, or members: 500 yuan paid before the offer)
    is chosen by intent, as a CRM tool picks users who browse before they buy:
    enough of the offered have a qualifying paid order in the campaign window
    that the claimed coupons are used at the campaign's ``redeem_target``.
    """
    campaign = calendar.campaigns[index]
    start, end = calendar.campaign_start[index], calendar.campaign_end[index]
    send_l = start * DAY + 10 * HOUR
    if start >= calendar.n_days:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pool = real & (users.reg_l < send_l)
    paid = orders.clean & orders.is_paid & (orders.user >= 0)
    if campaign.audience == "private_community":
        pool &= users.channel == CH["private_community"]
    else:
        before = paid & (orders.paid_l < send_l)
        spent = np.bincount(orders.user[before], weights=orders.paid_cents[before], minlength=users.n)
        pool &= spent >= MEMBER_FROM_CENTS
    audience = np.nonzero(pool)[0]
    threshold = max(campaign.coupon[0], campaign.coupon[1] + 1) * 100
    qualifying = paid & (orders.placed_l >= send_l + 6 * HOUR) & (orders.paid_l <= (end + 1) * DAY - 1) & \
        (orders.goods_cents >= threshold)
    intent = np.isin(audience, orders.user[qualifying])
    # At most offer_share of the audience, and no more than its buyers in the window can carry at the target.
    n_offer = min(int(round(campaign.offer_share * len(audience))),
                  int(intent.sum() * REDEEM_PROBABILITY["offer"] / campaign.redeem_target))
    n_intent = min(int(round(n_offer * campaign.redeem_target / REDEEM_PROBABILITY["offer"])), int(intent.sum()))
    chosen = np.concatenate([
        rng.choice(audience[intent], size=n_intent, replace=False),
        rng.choice(audience[~intent], size=min(n_offer - n_intent, int((~intent).sum())), replace=False)])
    chosen = np.sort(chosen)
    return chosen, send_l + rng.integers(0, 2 * HOUR, size=len(chosen))


def issue_coupons(rng: np.random.Generator, users: Users, calendar: Calendar, sessions: Sessions,
                  recall: Recall, assignment: Assignment, orders: Orders, offer_rng: np.random.Generator) -> Coupons:
    """Issue every coupon (unredeemed yet); targeted offers draw on ``offer_rng``."""
    parts = []
    offer_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(user, campaign, spec, issued, valid_days, source, expires=None):
        count = len(user)
        parts.append(dict(
            user=np.asarray(user), campaign=np.broadcast_to(campaign, count).astype(np.int64),
            threshold_cents=np.full(count, spec[0] * 100), value_cents=np.full(count, spec[1] * 100),
            issued_l=np.asarray(issued), source=np.full(count, COUPON_SOURCES.index(source)),
            expires_l=np.asarray(issued) + valid_days * DAY if expires is None else np.broadcast_to(expires, count),
        ))

    real = ~users.is_test
    for index, campaign in enumerate(calendar.campaigns):
        if campaign.coupon is None:
            continue
        if campaign.audience:
            offered, sent_l = _offer(offer_rng, users, calendar, orders, index, real)
            offer_parts.append((offered, np.full(len(offered), index, dtype=np.int64), sent_l))
            claimed = offer_rng.random(len(offered)) < campaign.claim_share
            end_l = (calendar.campaign_end[index] + 1) * DAY - 1
            add(offered[claimed], index, campaign.coupon,
                sent_l[claimed] + offer_rng.integers(MINUTE, 6 * HOUR, size=int(claimed.sum())), 0, "offer", end_l)
            continue
        if campaign.campaign_type in ("new_user_week", "referral"):
            holders = np.nonzero((users.campaign == index) & real)[0]
            add(holders, index, campaign.coupon, users.reg_l[holders] + 60, 7 if campaign.campaign_type ==
                "new_user_week" else 14, campaign.campaign_type)
            continue
        # Sessions are in start order, so the campaign window is one slice.
        lo = np.searchsorted(sessions.day, calendar.campaign_start[index], side="left")
        hi = np.searchsorted(sessions.day, calendar.campaign_end[index], side="right")
        candidates = np.arange(lo, hi)
        candidates = candidates[real[sessions.user[candidates]]]
        candidates = candidates[np.argsort(sessions.user[candidates], kind="stable")]
        first = candidates[np.concatenate([[True], sessions.user[candidates][1:] != sessions.user[candidates][:-1]])] \
            if len(candidates) else candidates
        first = first[rng.random(len(first)) < campaign.coupon_share]
        end_l = (calendar.campaign_end[index] + 1) * DAY - 1
        add(sessions.user[first], index, campaign.coupon, sessions.start_l[first] + 30, 0, "campaign", end_l)
    step3 = recall.step_sent_l[:, 2]
    holders = np.nonzero(step3 != NULL)[0]
    add(holders, -1, RECALL_COUPON, step3[holders], 14, "recall")
    for group, name in ((0, "A"), (1, "B")):
        members = np.nonzero(assignment.group == group)[0]
        add(assignment.user[members], -1, COUPON[name], assignment.assigned_l[members] + 5, 30, "experiment")

    merged = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    order = np.lexsort((merged["user"], merged["issued_l"]))
    merged = {key: values[order] for key, values in merged.items()}
    offers = Offers(*(np.concatenate([part[i] for part in offer_parts] or [np.zeros(0, np.int64)])
                      for i in range(3)))
    return Coupons(redeemed_order=np.full(len(merged["user"]), -1, dtype=np.int64), offers=offers, **merged)


def redeem_coupons(rng: np.random.Generator, coupons: Coupons, orders: Orders, calendar: Calendar) -> None:
    """Use coupons on the holder's first eligible paid order; updates both tables in place."""
    eligible_orders = np.nonzero(orders.clean & orders.is_paid)[0]
    by_user = eligible_orders[np.lexsort((orders.paid_l[eligible_orders], orders.user[eligible_orders]))]
    span = np.int64(1) << 40
    keys = orders.user[by_user].astype(np.int64) * span + orders.paid_l[by_user]
    start = np.searchsorted(keys, coupons.user.astype(np.int64) * span + coupons.issued_l)
    willing = rng.random(len(coupons.user)) < np.array([REDEEM_PROBABILITY[s] for s in COUPON_SOURCES])[coupons.source]
    taken = np.zeros(len(orders.order_id), dtype=bool)
    pending = willing.copy()
    # A holder looks at its next 3 orders; a targeted offer's holder at every order in the validity.
    offer = coupons.source == COUPON_SOURCES.index("offer")
    for step in range(len(by_user)):
        if step == 3:
            pending &= offer
        if not pending.any():
            break
        position = start + step
        valid = pending & (position < len(by_user))
        candidate = np.where(valid, by_user[np.minimum(position, len(by_user) - 1)], -1)
        ok = valid & (orders.user[candidate] == coupons.user) & (orders.paid_l[candidate] <= coupons.expires_l)
        ok &= orders.goods_cents[candidate] >= np.maximum(coupons.threshold_cents, coupons.value_cents + 100)
        ok &= ~taken[np.maximum(candidate, 0)]
        # One coupon per order: the earliest issued coupon wins.
        idx = np.nonzero(ok)[0]
        _, first = np.unique(candidate[idx], return_index=True)
        winners = idx[first]
        coupons.redeemed_order[winners] = candidate[winners]
        taken[candidate[winners]] = True
        pending[winners] = False
        # Stop looking once past the validity or another user's orders.
        pending &= valid & (orders.user[np.maximum(candidate, 0)] == coupons.user) & \
            (orders.paid_l[np.maximum(candidate, 0)] <= coupons.expires_l)
    used = coupons.redeemed_order >= 0
    order_idx = coupons.redeemed_order[used]
    coupon_idx = np.nonzero(used)[0]
    orders.coupon[order_idx] = coupon_idx
    orders.coupon_cents[order_idx] = coupons.value_cents[coupon_idx]
    # A campaign coupon used during the campaign puts the order under the campaign.
    camp = coupons.campaign[coupon_idx]
    day = orders.placed_l[order_idx] // DAY
    in_window = (camp >= 0) & (day >= calendar.campaign_start[np.maximum(camp, 0)]) & \
        (day <= calendar.campaign_end[np.maximum(camp, 0)])
    orders.campaign[order_idx[in_window]] = camp[in_window]


@dataclass
class Spend:
    """Channel spend rows sorted by (day, channel, campaign with null first)."""

    day: np.ndarray
    channel: np.ndarray           # index into PAID_CHANNELS (or the unknown code at len)
    campaign: np.ndarray          # campaign index or -1
    cents: np.ndarray
    impressions: np.ndarray       # NULL where not reported


@dataclass
class SpendInputs:
    """What channel spend is sized on; additive, so blocks of users can be summed."""

    gmv: np.ndarray               # (channels, days): GMV of clean paid orders by channel and paid day, yuan
    campaign_gmv: np.ndarray      # per campaign: GMV of its clean paid orders placed in its window, yuan
    coupon_cost: np.ndarray       # per campaign: face value of its redeemed coupons, yuan
    points_cost: np.ndarray       # per campaign: points redeemed on those orders x 0.01, yuan
    referred: np.ndarray          # per campaign: real users it acquired

    def __add__(self, other: "SpendInputs") -> "SpendInputs":
        return SpendInputs(*(getattr(self, name) + getattr(other, name)
                             for name in ("gmv", "campaign_gmv", "coupon_cost", "points_cost", "referred")))


def spend_inputs(users: Users, calendar: Calendar, orders: Orders, coupons: Coupons,
                 points_redeemed_by_order: np.ndarray) -> SpendInputs:
    """GMV per channel and day, and per campaign its GMV, coupon and points cost and referred users."""
    n_days = calendar.n_days
    n_channels = len(PAID_CHANNELS)
    ok = orders.clean & orders.is_paid & (orders.channel < n_channels)
    gmv = np.zeros((n_channels, n_days))
    paid_day = orders.paid_l[ok] // DAY
    in_span = paid_day < n_days
    np.add.at(gmv, (orders.channel[ok][in_span], paid_day[in_span]), orders.paid_cents[ok][in_span] / 100)
    n_campaigns = len(calendar.campaigns)
    campaign_gmv, coupon_cost, points_cost = np.zeros(n_campaigns), np.zeros(n_campaigns), np.zeros(n_campaigns)
    referred = np.zeros(n_campaigns, dtype=np.int64)
    paid_clean = orders.clean & orders.is_paid
    day = orders.placed_l // DAY
    for index in range(n_campaigns):
        lo, hi = calendar.campaign_start[index], min(calendar.campaign_end[index], n_days - 1)
        mine = paid_clean & (orders.campaign == index) & (day >= lo) & (day <= hi)
        campaign_gmv[index] = orders.paid_cents[mine].sum() / 100
        coupon_cost[index] = coupons.value_cents[(coupons.campaign == index) & (coupons.redeemed_order >= 0)].sum() / 100
        points_cost[index] = points_redeemed_by_order[mine].sum() * 0.01
        referred[index] = ((users.campaign == index) & ~users.is_test).sum()
    return SpendInputs(gmv, campaign_gmv, coupon_cost, points_cost, referred)


def spend_from_inputs(rng: np.random.Generator, calendar: Calendar, inputs: SpendInputs) -> Spend:
    """Daily spend per channel from attributed GMV and target ROI, plus campaign-tied rows,
    from :class:`SpendInputs` (of one block of users, or of all blocks summed)."""
    n_days = calendar.n_days
    n_channels = len(PAID_CHANNELS)
    gmv = inputs.gmv

    # Weekly GMV (weeks start on Monday), smoothed over three weeks.
    week = (np.arange(n_days) + calendar.weekday[0]) // 7
    n_weeks = int(week.max()) + 1
    weekly = np.zeros((n_channels, n_weeks))
    for c in range(n_channels):
        weekly[c] = np.bincount(week, weights=gmv[c], minlength=n_weeks)
    padded = np.pad(weekly, ((0, 0), (1, 1)), mode="edge")
    smooth = (padded[:, :-2] + padded[:, 1:-1] + padded[:, 2:]) / 3
    target = np.array([TARGET_ROI[name] for name in PAID_CHANNELS])
    wobble = np.exp(np.cumsum(rng.normal(0, ROI_WOBBLE * 0.6, size=(n_channels, n_weeks)), axis=1) * 0.5
                    + rng.normal(0, ROI_WOBBLE * 0.5, size=(n_channels, n_weeks)))
    wobble /= np.exp(np.log(wobble).mean(axis=1, keepdims=True))
    weekly_spend = np.maximum(smooth / (target[:, None] * wobble), SPEND_FLOOR_YUAN * 7)
    days_in_week = np.bincount(week, minlength=n_weeks)
    day_weight = np.where(calendar.weekday >= 5, 1.15, 1.0) * calendar.visit_multiplier
    week_weight = np.bincount(week, weights=day_weight, minlength=n_weeks)
    daily = weekly_spend[:, week] * day_weight[None, :] / week_weight[week][None, :]
    daily *= rng.lognormal(0, 0.08, size=daily.shape)
    del days_in_week

    # Campaign-tied spend: what the campaign's ROI target leaves after coupons and points.
    rows_day, rows_channel, rows_campaign, rows_cents = [], [], [], []
    for index, campaign in enumerate(calendar.campaigns):
        lo, hi = calendar.campaign_start[index], min(calendar.campaign_end[index], n_days - 1)
        if lo >= n_days:
            continue
        if campaign.campaign_type == "referral":
            tied_total = REFERRAL_CAC_YUAN * inputs.referred[index]
        else:
            tied_total = (inputs.campaign_gmv[index] / campaign.target_roi - inputs.coupon_cost[index]
                          - inputs.points_cost[index])
        if tied_total <= 0:
            continue
        days = np.nonzero(calendar.active[index, lo:hi + 1])[0] + lo
        if campaign.campaign_type == "referral":
            share = np.zeros((n_channels, n_days))
            share[PAID_CHANNELS.index("private_community"), days] = 1.0
        else:
            share = np.zeros((n_channels, n_days))
            if campaign.campaign_type in ("member_day", "weekend_flash_sale"):
                # Weekly always-on promotions are booked on the three biggest channels only.
                top = np.argsort(-daily[:, days].sum(axis=1), kind="stable")[:3]
                share[np.ix_(top, days)] = daily[np.ix_(top, days)]
            else:
                share[:, days] = daily[:, days]
        share /= share.sum()
        tied = tied_total * share
        # Tied spend is part of the channel's spend where the day's budget allows.
        if campaign.campaign_type != "referral":
            daily = np.maximum(daily - tied, 0)
        c_idx, d_idx = np.nonzero(tied > 0.5)
        rows_day.append(d_idx)
        rows_channel.append(c_idx)
        rows_campaign.append(np.full(len(d_idx), index))
        rows_cents.append(np.round(tied[c_idx, d_idx] * 100).astype(np.int64))
    c_idx, d_idx = np.nonzero(daily > 0.5)
    rows_day.append(d_idx)
    rows_channel.append(c_idx)
    rows_campaign.append(np.full(len(d_idx), -1))
    rows_cents.append(np.round(daily[c_idx, d_idx] * 100).astype(np.int64))
    day = np.concatenate(rows_day)
    channel = np.concatenate(rows_channel)
    campaign = np.concatenate(rows_campaign)
    cents = np.concatenate(rows_cents)
    per_yuan = np.array([IMPRESSIONS_PER_YUAN[name] or 0 for name in PAID_CHANNELS])
    impressions = np.where(per_yuan[channel] > 0,
                           np.round(cents / 100 * per_yuan[channel] * rng.lognormal(0, 0.2, size=len(cents))),
                           NULL).astype(np.int64)
    order = np.lexsort((campaign, channel, day))
    return Spend(day=day[order], channel=channel[order], campaign=campaign[order], cents=cents[order],
                 impressions=impressions[order])
