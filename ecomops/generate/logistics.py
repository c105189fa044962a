"""Shipments (物流) of paid orders and returns (退货退款) of delivered ones.

Paid, clean orders ship after payment and are delivered after shipping; the
promise at checkout is 72 hours after payment, and ~89% arrive within it.
About 6.5% of delivered orders are returned; late parcels are returned far
more often, so late delivery causes ~22% of returns. Refunds never exceed
the paid amount.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .orders import Orders
from .timeutil import DAY, HOUR, NULL

CARRIERS = ("sf", "jd", "zto", "yto", "ems", "xyz")
CARRIER_SHARE = np.array([0.25, 0.20, 0.25, 0.20, 0.10])
TRANSIT_MEDIAN_HOURS = np.array([22.0, 20.0, 34.0, 36.0, 46.0])
SHIP_MEDIAN_HOURS = 14.0
PROMISE_HOURS = 72
RETURN_REASONS = ("late_delivery", "quality", "wrong_size_shade", "not_as_described", "changed_mind")
OTHER_REASON_SHARE = np.array([0.35, 0.25, 0.20, 0.20])
RETURN_LATE = 0.19            # return probability of a late parcel
RETURN_ON_TIME = 0.05
LATE_REASON_SHARE = 0.62      # returns of late parcels that give late delivery as the reason
FULL_REFUND_SHARE = 0.75


@dataclass
class Shipments:
    """One shipment per shipped clean paid order, sorted by order."""

    order: np.ndarray
    carrier: np.ndarray
    shipped_l: np.ndarray
    delivered_l: np.ndarray      # NULL while in transit at the data end
    promised_l: np.ndarray


@dataclass
class Returns:
    """Returns sorted by request time."""

    order: np.ndarray
    requested_l: np.ndarray
    reason: np.ndarray
    refund_cents: np.ndarray


def build_shipments(rng: np.random.Generator, orders: Orders, end_l: int) -> Shipments:
    """Ship every clean paid order that leaves the warehouse before the data end."""
    candidates = np.nonzero(orders.clean & orders.is_paid)[0]
    m = len(candidates)
    carrier = rng.choice(5, size=m, p=CARRIER_SHARE)
    ship_delay = np.clip(np.exp(rng.normal(np.log(SHIP_MEDIAN_HOURS), 0.55, size=m)), 1, 96) * HOUR
    transit = np.clip(np.exp(rng.normal(np.log(TRANSIT_MEDIAN_HOURS[carrier]), 0.42, size=m)), 4, 240) * HOUR
    paid = orders.paid_l[candidates]
    shipped = paid + ship_delay.astype(np.int64)
    delivered = shipped + transit.astype(np.int64)
    promised = paid + PROMISE_HOURS * HOUR
    keep = shipped < end_l
    delivered = np.where(delivered < end_l, delivered, NULL)
    return Shipments(order=candidates[keep], carrier=carrier[keep], shipped_l=shipped[keep],
                     delivered_l=delivered[keep], promised_l=promised[keep])


def build_returns(rng: np.random.Generator, orders: Orders, shipments: Shipments, end_l: int) -> Returns:
    """Returns of delivered orders; late parcels are returned more often."""
    delivered = shipments.delivered_l != NULL
    late = delivered & (shipments.delivered_l > shipments.promised_l)
    p = np.where(late, RETURN_LATE, RETURN_ON_TIME)
    returned = delivered & (rng.random(len(p)) < p)
    requested = shipments.delivered_l + rng.integers(2 * HOUR, 7 * DAY, size=len(p))
    returned &= requested < end_l
    idx = np.nonzero(returned)[0]
    other = 1 + rng.choice(4, size=len(idx), p=OTHER_REASON_SHARE)
    reason = np.where(late[idx] & (rng.random(len(idx)) < LATE_REASON_SHARE), 0, other)
    order = shipments.order[idx]
    paid = orders.paid_cents[order]
    partial = np.maximum(np.round(paid * rng.uniform(0.2, 0.8, size=len(idx))), 100).astype(np.int64)
    refund = np.where(rng.random(len(idx)) < FULL_REFUND_SHARE, paid, np.minimum(partial, paid))
    sort = np.argsort(requested[idx], kind="stable")
    return Returns(order=order[sort], requested_l=requested[idx][sort], reason=reason[sort],
                   refund_cents=refund[sort])


ORDER_STATUSES = ("created", "paid", "shipped", "delivered", "completed", "cancelled", "refunded")


def order_status(orders: Orders, shipments: Shipments, returns: Returns, end_l: int) -> tuple[np.ndarray, np.ndarray]:
    """Last known status per order and the time of its last change (for loaded_at)."""
    n = len(orders.order_id)
    status = np.where(orders.is_paid, ORDER_STATUSES.index("paid"),
                      np.where((orders.cancelled_l != NULL) & (orders.cancelled_l < end_l),
                               ORDER_STATUSES.index("cancelled"), ORDER_STATUSES.index("created")))
    last = np.where(orders.is_paid, np.maximum(orders.paid_l, orders.placed_l),
                    np.where(status == ORDER_STATUSES.index("cancelled"), orders.cancelled_l, orders.placed_l))
    shipped = np.full(n, NULL)
    delivered = np.full(n, NULL)
    shipped[shipments.order] = shipments.shipped_l
    delivered[shipments.order] = shipments.delivered_l
    status = np.where(shipped != NULL, ORDER_STATUSES.index("shipped"), status)
    last = np.where(shipped != NULL, shipped, last)
    is_delivered = delivered != NULL
    completed = is_delivered & (delivered + 7 * DAY < end_l)
    status = np.where(is_delivered, np.where(completed, ORDER_STATUSES.index("completed"),
                                             ORDER_STATUSES.index("delivered")), status)
    last = np.where(is_delivered, np.where(completed, delivered + 7 * DAY, delivered), last)
    requested = np.full(n, NULL)
    requested[returns.order] = returns.requested_l
    status = np.where(requested != NULL, ORDER_STATUSES.index("refunded"), status)
    last = np.where(requested != NULL, np.maximum(requested + DAY, last), last)
    return status, last
