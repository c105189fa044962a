"""Orders (amounts, campaign, status inputs) and order lines.

Amounts are integer cents. ``list`` is the sum of the lines' unit price x
quantity; ``discount`` is the promotion discount plus any points deduction
(100 points = 1 yuan); ``paid = list - discount - coupon + shipping``.
Shipping is free from 99 yuan of goods. Extra defect orders (fraud, unknown
user, non-positive amount, paid before placed) are cloned from clean orders
so the clean rows keep every business rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .behaviour import Placements
from .calendar import Calendar
from .channels import AOV_FACTOR
from .experiments import AOV_TARGET, Assignment
from .purchases import Purchases
from .timeutil import DAY, MINUTE, NULL
from .users import Users

CATEGORIES = ("gift_box", "beauty", "home", "snacks")
CATEGORY_SHARE = np.array([0.25, 0.35, 0.20, 0.20])
CATEGORY_SHARE_UNDER_18 = np.array([0.15, 0.25, 0.10, 0.50])
PRODUCT_BASE = np.array([1001, 2001, 3001, 4001])
PRODUCT_COUNT = np.array([60, 70, 50, 60])
COST_RATIO = np.array([0.55, 0.42, 0.60, 0.66])
UNKNOWN_COST_SHARE = 0.02
FREE_SHIPPING_FROM = 9_900
SHIPPING_FEE = 1_000
AOV_START, AOV_END = 0.86, 1.11     # AOV trend factor, 2025-01 -> 2026-04
UNDER_18_FACTOR = 0.32
AUTO_CANCEL_SHARE = 0.7             # unpaid orders auto-cancelled after 30 minutes

# Defect kinds of extra orders (0 = clean).
CLEAN, FRAUD, ORPHAN_USER, NON_POSITIVE, PAID_BEFORE_PLACED = 0, 1, 2, 3, 4


@dataclass
class Orders:
    """All orders, sorted by order_id (= placed time order)."""

    order_id: np.ndarray
    user: np.ndarray              # user index, -1 for an unknown user
    user_id: np.ndarray
    placed_l: np.ndarray
    paid_l: np.ndarray            # NULL if unpaid
    cancelled_l: np.ndarray
    is_paid: np.ndarray
    list_cents: np.ndarray
    promo_cents: np.ndarray       # promotion discount
    points_cents: np.ndarray      # points deduction (part of discount_amount)
    coupon_cents: np.ndarray
    shipping_cents: np.ndarray
    raw_code: np.ndarray
    channel: np.ndarray
    campaign: np.ndarray          # campaign index or -1
    coupon: np.ndarray            # coupon index or -1
    defect: np.ndarray            # CLEAN or a defect kind
    experiment_group: np.ndarray  # 0 A / 1 B for orders in the 30 days after assignment, -1 otherwise

    @property
    def discount_cents(self) -> np.ndarray:
        return self.promo_cents + self.points_cents

    @property
    def paid_cents(self) -> np.ndarray:
        return self.list_cents - self.promo_cents - self.points_cents - self.coupon_cents + self.shipping_cents

    @property
    def goods_cents(self) -> np.ndarray:
        """Goods amount after the promotion, before coupon and points (the coupon threshold base)."""
        return self.list_cents - self.promo_cents

    @property
    def clean(self) -> np.ndarray:
        return self.defect == CLEAN


@dataclass
class Items:
    """Order lines sorted by (order_id, line)."""

    order: np.ndarray             # order index
    product_id: np.ndarray
    category: np.ndarray
    quantity: np.ndarray
    unit_cents: np.ndarray
    cost_cents: np.ndarray        # NULL where unknown


def _campaigns(rng: np.random.Generator, users: Users, calendar: Calendar, user: np.ndarray,
               placed_l: np.ndarray) -> np.ndarray:
    day = np.clip(placed_l // DAY, 0, calendar.n_days - 1)
    main = calendar.main_campaign[day]
    share = np.array([c.order_share for c in calendar.campaigns] + [0.0])[main]
    campaign = np.where((main >= 0) & (rng.random(len(day)) < share), main, -1)
    user_campaign = users.campaign[user]
    in_user_window = (user_campaign >= 0) & \
        (day >= calendar.campaign_start[np.maximum(user_campaign, 0)]) & \
        (day <= calendar.campaign_end[np.maximum(user_campaign, 0)])
    new_user_week = users.is_new_user_week[user] & in_user_window & (rng.random(len(day)) < 0.9)
    campaign = np.where(new_user_week, user_campaign, campaign)
    types = np.array([c.campaign_type for c in calendar.campaigns] + [""])
    referral = (types[user_campaign] == "referral") & (day - users.reg_day[user] <= 30) & \
        (rng.random(len(day)) < 0.6)
    first = np.concatenate([[True], user[1:] != user[:-1]])
    return np.where(referral & first, user_campaign, campaign)


def build_orders(rng: np.random.Generator, users: Users, calendar: Calendar, purchases: Purchases,
                 placements: Placements, assignment: Assignment,
                 defect_rates: dict[str, float]) -> tuple[Orders, np.ndarray]:
    """Orders of the placements plus cloned defect orders, and each order's promotion discount rate.

    Amounts are list targets here; :func:`build_items` fixes list, promotion and shipping.
    """
    n = len(placements.user)
    user = placements.user
    placed_l = placements.placed_l
    day = placed_l // DAY
    campaign = _campaigns(rng, users, calendar, user, placed_l)

    # Order value: Gamma-Gamma value for purchases, a fresh draw for unpaid orders.
    value = np.where(placements.purchase >= 0, purchases.value[np.maximum(placements.purchase, 0)],
                     rng.gamma(6.0, 1.0, size=n) * purchases.customer_mean[user] / 6.0)
    trend = AOV_START + (AOV_END - AOV_START) * day / calendar.n_days
    value = value * trend * AOV_FACTOR[placements.channel]
    value = np.where(users.is_under_18[user], value * UNDER_18_FACTOR, value)

    # Experiment: orders in the 30 days after assignment follow the group's AOV.
    group = np.full(n, -1)
    assigned_day = np.full(users.n, NULL)
    assigned_group = np.full(users.n, -1)
    assigned_day[assignment.user] = assignment.day
    assigned_group[assignment.user] = assignment.group
    in_test = (assigned_day[user] != NULL) & (day >= assigned_day[user]) & (day < assigned_day[user] + 30)
    group = np.where(in_test, assigned_group[user], -1)
    for g, name in ((0, "A"), (1, "B")):
        members = (group == g) & placements.is_paid
        if members.any():
            # Coupons and points take ~6 yuan off on average; aim the value a little higher.
            value[members] *= (AOV_TARGET[name] + 6.0) / value[members].mean()
        unpaid_members = (group == g) & ~placements.is_paid
        if unpaid_members.any():
            value[unpaid_members] *= (AOV_TARGET[name] + 6.0) / value[unpaid_members].mean()

    rate = np.array([c.discount_rate for c in calendar.campaigns] + [0.0])[campaign]
    goods_target = np.maximum(value, 9.9) * 100
    list_target = goods_target / (1 - rate)
    paid_delay = np.minimum(np.exp(rng.normal(np.log(90), 1.4, size=n)), 20 * 3600).astype(np.int64) + 5
    # The export is taken at the end of the last day: a payment that would come
    # later is pulled in before it, so every paid order is complete in the data.
    paid_l = np.where(placements.is_paid, np.minimum(placed_l + paid_delay, calendar.n_days * DAY - MINUTE), NULL)
    cancel_delay = np.where(rng.random(n) < AUTO_CANCEL_SHARE, 30 * MINUTE, rng.integers(2 * MINUTE, DAY, size=n))
    cancelled_l = np.where(placements.is_paid, NULL, placed_l + cancel_delay)

    base = dict(
        user=user, placed_l=placed_l, paid_l=paid_l, cancelled_l=cancelled_l, is_paid=placements.is_paid,
        list_target=list_target, rate=rate, raw_code=placements.raw_code, channel=placements.channel,
        campaign=campaign, group=group, defect=np.zeros(n, dtype=np.int64),
    )
    # Cloned defect orders (extra rows; the clean rows stay consistent).
    extras = []
    for kind, key in ((FRAUD, "fraud_orders"), (ORPHAN_USER, "orphan_user_orders"),
                      (NON_POSITIVE, "non_positive_orders"), (PAID_BEFORE_PLACED, "paid_before_placed_orders")):
        count = int(round(defect_rates[key] * n))
        if count == 0:
            continue
        source = rng.choice(np.nonzero(placements.is_paid)[0], size=count, replace=True)
        clone = {name: values[source].copy() for name, values in base.items()}
        shift = rng.integers(MINUTE, 3 * 3600, size=count)
        clone["placed_l"] = clone["placed_l"] + shift
        clone["paid_l"] = clone["paid_l"] + shift
        clone["group"][:] = -1
        clone["campaign"][:] = -1
        clone["defect"][:] = kind
        if kind == FRAUD:
            # Fraud rings: a few accounts place many cheap orders (刷单).
            ring = rng.choice(np.nonzero(~users.is_test)[0], size=max(count // 8, 1), replace=False)
            clone["user"] = ring[rng.integers(0, len(ring), size=count)]
            # Never before the ring account registered.
            earliest = users.reg_l[clone["user"]] + rng.integers(3600, 30 * DAY, size=count)
            late_by = np.maximum(earliest - clone["placed_l"], 0)
            clone["placed_l"] = clone["placed_l"] + late_by
            clone["paid_l"] = clone["paid_l"] + late_by
            inside = clone["paid_l"] < calendar.n_days * DAY
            clone = {name: values[inside] for name, values in clone.items()}
            clone["list_target"] = rng.uniform(3_000, 15_000, size=count)
            clone["rate"][:] = 0
        if kind == PAID_BEFORE_PLACED:
            clone["paid_l"] = clone["placed_l"] - rng.integers(MINUTE, 2 * 3600, size=count)
        extras.append(clone)
    merged = {name: np.concatenate([base[name]] + [extra[name] for extra in extras]) for name in base}
    total = len(merged["user"])
    order = np.lexsort((merged["user"], merged["placed_l"]))
    merged = {name: values[order] for name, values in merged.items()}
    user_id = users.user_id[merged["user"]]
    orphan = merged["defect"] == ORPHAN_USER
    user_id = np.where(orphan, users.n + 50_000 + rng.integers(0, 50_000, size=total), user_id)
    user_index = np.where(orphan, -1, merged["user"])
    return Orders(
        order_id=np.arange(1, total + 1, dtype=np.int64), user=user_index, user_id=user_id,
        placed_l=merged["placed_l"], paid_l=merged["paid_l"], cancelled_l=merged["cancelled_l"],
        is_paid=merged["is_paid"], list_cents=np.round(merged["list_target"]).astype(np.int64),
        promo_cents=np.zeros(total, dtype=np.int64), points_cents=np.zeros(total, dtype=np.int64),
        coupon_cents=np.zeros(total, dtype=np.int64), shipping_cents=np.zeros(total, dtype=np.int64),
        raw_code=merged["raw_code"], channel=merged["channel"], campaign=merged["campaign"],
        coupon=np.full(total, -1, dtype=np.int64), defect=merged["defect"],
        experiment_group=merged["group"],
    ), merged["rate"]


def build_items(rng: np.random.Generator, users: Users, orders: Orders, rate: np.ndarray) -> Items:
    """Split each order's list amount into lines; set promotion discount and shipping."""
    n = len(orders.order_id)
    n_lines = np.minimum(1 + rng.poisson(0.55, size=n), 5)
    total = int(n_lines.sum())
    order_of = np.repeat(np.arange(n), n_lines)
    first = np.cumsum(n_lines) - n_lines
    weight = rng.gamma(2.0, 1.0, size=total)
    weight_sum = np.bincount(order_of, weights=weight, minlength=n)
    line_target = orders.list_cents[order_of] * weight / weight_sum[order_of]
    quantity = np.where(rng.random(total) < 0.15, 2 + (rng.random(total) < 0.3), 1).astype(np.int64)
    unit = np.maximum(np.round(line_target / quantity), 190).astype(np.int64)
    under_18 = np.where(orders.user[order_of] >= 0, users.is_under_18[np.maximum(orders.user[order_of], 0)], False)
    u = rng.random(total)
    cdf = np.cumsum(CATEGORY_SHARE)
    cdf_young = np.cumsum(CATEGORY_SHARE_UNDER_18)
    category = np.where(under_18, np.searchsorted(cdf_young, u * cdf_young[-1]), np.searchsorted(cdf, u * cdf[-1]))
    category = np.minimum(category, 3)
    product = PRODUCT_BASE[category] + (rng.random(total) * PRODUCT_COUNT[category]).astype(np.int64)
    cost = np.round(unit * COST_RATIO[category] * rng.uniform(0.9, 1.1, size=total)).astype(np.int64)
    cost = np.where(rng.random(total) < UNKNOWN_COST_SHARE, NULL, cost)

    orders.list_cents = np.bincount(order_of, weights=unit * quantity, minlength=n).astype(np.int64)
    orders.promo_cents = np.round(orders.list_cents * rate).astype(np.int64)
    goods = orders.list_cents - orders.promo_cents
    orders.shipping_cents = np.where(goods < FREE_SHIPPING_FROM, SHIPPING_FEE, 0).astype(np.int64)
    del first
    # Defect orders with a zero or negative amount: the promotion swallows the order.
    bad = orders.defect == NON_POSITIVE
    orders.promo_cents = np.where(
        bad, orders.list_cents + orders.shipping_cents + rng.choice([0, 500, 2_000], size=n), orders.promo_cents)
    return Items(order=order_of, product_id=product, category=category, quantity=quantity,
                 unit_cents=unit, cost_cents=cost)
