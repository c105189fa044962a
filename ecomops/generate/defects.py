"""Injected defects: the dirt real raw data carries, at documented rates.

All rates live in :data:`DEFECT_RATES` (one place). Defects that would break
a business rule are *extra* rows cloned from clean rows (orphans, unknown
enum values, null keys, non-positive amounts, paid-before-placed, fraud), so
the clean rows stay consistent and calibrated; duplicates repeat a row's
natural key (identical, or re-delivered with a later loaded_at); late
arrivals only move loaded_at; case variants rewrite a value that staging
normalises.
"""

from __future__ import annotations

import numpy as np

from .frame import Cat, Frame
from .timeutil import DAY, HOUR, NULL

DEFECT_RATES: dict[str, float] = {
    # Same natural key twice (half identical, half re-delivered with a later loaded_at).
    "duplicate_events": 0.01,
    "duplicate_orders": 0.005,
    "duplicate_other": 0.003,
    # loaded_at days after the event time.
    "late_events": 0.02,
    "late_orders": 0.02,
    # Orders: extra rows cloned from clean paid orders.
    "fraud_orders": 0.005,              # risk_flag = 'fraud', a few accounts
    "orphan_user_orders": 0.002,        # user_id that does not exist
    "non_positive_orders": 0.002,       # paid_amount <= 0
    "paid_before_placed_orders": 0.002,
    # Children pointing to orders that do not exist.
    "orphan_order_items": 0.001,
    "orphan_shipments": 0.001,
    # Other non-positive amounts (extra rows).
    "non_positive_returns": 0.002,
    "non_positive_spend": 0.002,
    # Unknown enum values (extra rows): event_type unknown_evt, device tablet,
    # carrier xyz, platform tablet, spend channel tiktok_ads.
    "unknown_enum": 0.002,
    # Null natural keys (extra rows) in events, order_items, points_ledger, messages.
    "null_key": 0.001,
    # Case variants staging normalises (APP, MiniProgram, H5; f/m; XHS, Douyin).
    "case_variant_device": 0.03,
    "case_variant_gender": 0.03,
    "case_variant_platform": 0.01,
    "case_variant_source": 0.01,
    # Share of users that are internal test accounts (with events and orders).
    "test_accounts": 0.01,
}


def count_for(rate: float, n: int) -> int:
    """Rows to touch for a rate; at least one when the rate is positive and rows exist."""
    if rate <= 0 or n == 0:
        return 0
    return max(int(round(rate * n)), 1)


def loaded_after(rng: np.random.Generator, event_l: np.ndarray) -> np.ndarray:
    """loaded_at of a normal row: the next micro-batch, 1 to 6 hours after the event."""
    return event_l + rng.integers(1 * HOUR, 6 * HOUR, size=len(event_l))


def clone(rng: np.random.Generator, frame: Frame, rate: float, eligible: np.ndarray | None = None) -> Frame:
    """Extra rows copied from random (eligible) rows."""
    pool = np.arange(frame.n) if eligible is None else np.nonzero(eligible)[0]
    count = count_for(rate, len(pool))
    if count == 0:
        return frame.take(np.zeros(0, dtype=np.int64))
    return frame.take(rng.choice(pool, size=count, replace=True))


def make_late(rng: np.random.Generator, frame: Frame, rate: float, time_column: str) -> None:
    """Late-arriving rows: loaded_at 3 to 9 days after the event time."""
    count = count_for(rate, frame.n)
    idx = rng.choice(frame.n, size=count, replace=False)
    base = frame[time_column][idx]
    ok = base != NULL
    loaded = frame["loaded_at"].copy()
    loaded[idx[ok]] = base[ok] + rng.integers(3 * DAY, 9 * DAY, size=int(ok.sum()))
    frame["loaded_at"] = loaded


def add_duplicates(rng: np.random.Generator, frame: Frame, rate: float, eligible: np.ndarray | None = None) -> Frame:
    """Repeat some rows right after themselves: half identical, half re-delivered later (later loaded_at).

    A frame sorted by its natural key stays sorted by (key, loaded_at).
    """
    pool = np.arange(frame.n) if eligible is None else np.nonzero(eligible)[0]
    count = count_for(rate, len(pool))
    idx = np.sort(rng.choice(pool, size=count, replace=False))
    copies = frame.take(idx)
    later = rng.random(count) < 0.5
    loaded = copies["loaded_at"].copy()
    loaded[later] = loaded[later] + rng.integers(HOUR, 3 * DAY, size=int(later.sum()))
    copies["loaded_at"] = loaded
    return frame.insert_after(idx, copies)


def set_category(rng: np.random.Generator, frame: Frame, column: str, value: str, rate: float) -> None:
    """Rewrite a share of a string column to a given value (in place)."""
    values = frame[column]
    assert isinstance(values, Cat)
    values, code = values.with_category(value)
    count = count_for(rate, frame.n)
    idx = rng.choice(frame.n, size=count, replace=False)
    codes = values.codes.copy()
    codes[idx] = code
    frame[column] = Cat(codes, values.categories)


def remap_codes(rng: np.random.Generator, frame: Frame, column: str, mapping: dict[int, int], rate: float) -> None:
    """Replace codes by variants (e.g. 'app' -> 'APP') for a share of rows."""
    values = frame[column]
    codes = values.codes.copy() if isinstance(values, Cat) else values.copy()
    pick = rng.random(len(codes)) < rate
    for source, target in mapping.items():
        codes = np.where(pick & (codes == source), target, codes)
    frame[column] = Cat(codes, values.categories) if isinstance(values, Cat) else codes


def assign_ids(frame: Frame, key: str, order_columns: list[str]) -> Frame:
    """Sort rows by the given columns and number them 1..n in ``key``."""
    frame = frame.sort(order_columns)
    frame[key] = np.arange(1, frame.n + 1, dtype=np.int64)
    return frame


def null_key_rows(rng: np.random.Generator, frame: Frame, key: str, rate: float) -> Frame:
    """Extra copies of random rows with a null natural key, appended last (nulls sort last)."""
    extra = clone(rng, frame, rate)
    extra[key] = np.full(extra.n, NULL, dtype=np.int64)
    extra = extra.take(np.argsort(extra["loaded_at"], kind="stable"))
    return frame.append(extra)
