"""Time conventions of the generator.

All times are held as int64 *local seconds*: seconds since
2025-01-01 00:00:00 Asia/Shanghai. Asia/Shanghai is UTC+8 without daylight
saving, so the UTC epoch second is ``local + BASE_UTC_EPOCH`` and the
Asia/Shanghai day index is ``local // DAY``. Missing values use :data:`NULL`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

DAY = 86_400
HOUR = 3_600
MINUTE = 60
START_DATE = dt.date(2025, 1, 1)
# 2025-01-01 00:00:00 Asia/Shanghai == 2024-12-31 16:00:00 UTC.
BASE_UTC_EPOCH = 1_735_660_800
# Days from 1970-01-01 to 2025-01-01 (for date32 values).
EPOCH_DAY_OF_START = (START_DATE - dt.date(1970, 1, 1)).days
NULL = np.iinfo(np.int64).min

# Relative weight of each Asia/Shanghai hour of the day for user activity.
HOUR_WEIGHTS = np.array(
    [2.0, 1.1, 0.6, 0.4, 0.3, 0.4, 0.8, 1.5, 2.5, 3.2, 3.8, 4.0,
     4.3, 3.6, 3.2, 3.2, 3.4, 3.6, 3.9, 4.6, 5.4, 5.8, 5.0, 3.5]
)


def day_index(value: dt.date) -> int:
    """Day index of an Asia/Shanghai calendar date (0 = 2025-01-01)."""
    return (value - START_DATE).days


def local_of(value: dt.datetime) -> int:
    """Local seconds of a naive Asia/Shanghai datetime."""
    return int((value - dt.datetime(2025, 1, 1)).total_seconds())


def random_second_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds into the day, drawn from the hourly activity profile."""
    hours = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    return hours.astype(np.int64) * HOUR + rng.integers(0, HOUR, size=n)


def uniform_seconds(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    """Integer seconds drawn uniformly from [low, high)."""
    return rng.uniform(low, high, size=n).astype(np.int64)


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """An independent, reproducible random stream per generator step."""
    key = [int(seed)] + [ord(char) for char in stream]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(key)))
