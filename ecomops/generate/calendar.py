"""The platform's calendar: days, festivals, campaigns and seasonality.

Everything is per Asia/Shanghai day index (0 = 2025-01-01). Campaigns are the
rows of the ``campaigns`` entity; the multipliers drive registrations, visits
and purchases so that the marts show the platform's seasonal story.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .timeutil import START_DATE, day_index

END_DATE = dt.date(2026, 4, 30)
N_DAYS = (END_DATE - START_DATE).days + 1

CAMPAIGN_TYPES: tuple[str, ...] = (
    "new_user_week", "points_race", "flash_discount_night", "member_day",
    "weekend_flash_sale", "referral", "festival",
)


@dataclass(frozen=True)
class Campaign:
    """One campaign (活动) and how it shapes the data."""

    name: str
    campaign_type: str
    start: dt.date
    end: dt.date
    budget_yuan: int
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)  # 0 = Monday
    purchase_lift: float = 1.0      # multiplier of purchase intensity on its days
    order_share: float = 0.0        # share of orders on its days placed under it
    discount_rate: float = 0.0      # promotion discount of its orders (share of list)
    target_roi: float = 3.0         # GMV / (tied spend + coupons + points) it is calibrated to
    coupon: tuple[int, int] | None = None  # (threshold, value) in yuan, issued to visitors
    coupon_share: float = 0.0       # share of its visitors who claim the coupon
    # Targeted coupon campaigns: offered by message to an audience instead of visitors.
    audience: str | None = None     # "private_community" (社群) or "members" (>= 500 yuan paid before it)
    offer_share: float = 0.0        # share of the audience the offer is sent to
    claim_share: float = 0.0        # share of the offered who claim the coupon
    redeem_target: float = 0.0      # share of claimed coupons used (the audience is chosen by intent)


def _d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def _campaign_specs() -> list[Campaign]:
    wed, weekend = (2,), (5, 6)
    specs: list[Campaign] = []
    for year in (2025, 2026):
        end_of_year = _d(year, 12, 31)
        specs += [
            # 2026: the upgraded member day (the retention work) lifts member purchases.
            Campaign(f"{year} 会员日 (每周三)", "member_day", _d(year, 1, 1), end_of_year, 120_000,
                     weekdays=wed, purchase_lift=1.12 if year == 2025 else 1.6, order_share=0.45, discount_rate=0.06,
                     target_roi=3.6),
            Campaign(f"{year} 周末闪购", "weekend_flash_sale", _d(year, 1, 1), end_of_year, 150_000,
                     weekdays=weekend, purchase_lift=1.12, order_share=0.35, discount_rate=0.08,
                     target_roi=3.1),
            Campaign(f"{year} 推荐有礼", "referral", _d(year, 1, 1), end_of_year, 30_000,
                     target_roi=6.0, coupon=(100, 15)),
        ]
    specs += [
        Campaign("2025 新人福利周", "new_user_week", _d(2025, 1, 6), _d(2025, 1, 12), 12_000,
                 purchase_lift=1.1, discount_rate=0.10, target_roi=3.2, coupon=(99, 20)),
        Campaign("2025 年货节", "festival", _d(2025, 1, 13), _d(2025, 1, 24), 25_000,
                 purchase_lift=1.3, order_share=0.55, discount_rate=0.10, target_roi=3.5,
                 coupon=(200, 20), coupon_share=0.3),
        Campaign("2025 限时折扣夜", "flash_discount_night", _d(2025, 2, 24), _d(2025, 2, 28), 8_000,
                 purchase_lift=1.8, order_share=0.75, discount_rate=0.18, target_roi=2.9,
                 coupon=(150, 30), coupon_share=0.35),
        Campaign("2025 春季会员积分赛", "points_race", _d(2025, 3, 10), _d(2025, 3, 23), 10_000,
                 purchase_lift=1.2, order_share=0.55, discount_rate=0.03, target_roi=2.8),
        Campaign("2025 母亲节", "festival", _d(2025, 5, 8), _d(2025, 5, 11), 8_000,
                 purchase_lift=1.4, order_share=0.6, discount_rate=0.08, target_roi=3.3,
                 coupon=(100, 10), coupon_share=0.3),
        Campaign("2025 端午节", "festival", _d(2025, 5, 29), _d(2025, 5, 31), 5_000,
                 purchase_lift=1.2, order_share=0.5, discount_rate=0.08, target_roi=3.0),
        Campaign("2025 618 年中大促", "festival", _d(2025, 6, 1), _d(2025, 6, 18), 60_000,
                 purchase_lift=2.0, order_share=0.7, discount_rate=0.12, target_roi=4.5,
                 coupon=(200, 20), coupon_share=0.4),
        Campaign("2025 秋季会员积分赛", "points_race", _d(2025, 9, 8), _d(2025, 9, 21), 10_000,
                 purchase_lift=1.2, order_share=0.55, discount_rate=0.03, target_roi=2.8),
        Campaign("2025 双11", "festival", _d(2025, 11, 1), _d(2025, 11, 11), 80_000,
                 purchase_lift=2.2, order_share=0.75, discount_rate=0.14, target_roi=5.0,
                 coupon=(300, 40), coupon_share=0.45),
        Campaign("2025 双12", "festival", _d(2025, 12, 10), _d(2025, 12, 12), 20_000,
                 purchase_lift=1.6, order_share=0.65, discount_rate=0.10, target_roi=3.8,
                 coupon=(199, 20), coupon_share=0.35),
        Campaign("2026 新人福利周", "new_user_week", _d(2026, 1, 5), _d(2026, 1, 11), 14_000,
                 purchase_lift=1.1, discount_rate=0.10, target_roi=3.2, coupon=(99, 20)),
        Campaign("2026 年货节", "festival", _d(2026, 1, 30), _d(2026, 2, 11), 25_000,
                 purchase_lift=1.3, order_share=0.55, discount_rate=0.10, target_roi=3.5,
                 coupon=(200, 20), coupon_share=0.3),
        Campaign("2026 限时折扣夜", "flash_discount_night", _d(2026, 2, 24), _d(2026, 2, 28), 9_000,
                 purchase_lift=1.8, order_share=0.75, discount_rate=0.18, target_roi=2.9,
                 coupon=(150, 30), coupon_share=0.35),
        Campaign("2026 春季会员积分赛", "points_race", _d(2026, 3, 9), _d(2026, 3, 22), 11_000,
                 purchase_lift=1.2, order_share=0.55, discount_rate=0.03, target_roi=2.8),
        # Targeted coupons (the reports: a community coupon claimed by 89% and redeemed by
        # 62%; a 满599减200 coupon used by only 29% because its threshold was too high).
        Campaign("2025 会员大额券", "member_coupon", _d(2025, 11, 1), _d(2026, 2, 28), 15_000,
                 target_roi=3.0, coupon=(599, 200), audience="members", offer_share=0.5,
                 claim_share=0.7, redeem_target=0.29),
        Campaign("2026 私域社群专享券", "community_coupon", _d(2026, 4, 1), _d(2026, 4, 30), 6_000,
                 target_roi=3.0, coupon=(99, 15), audience="private_community", offer_share=0.6,
                 claim_share=0.89, redeem_target=0.62),
    ]
    # Ids follow the start date (then the name), so they are small and stable; the
    # targeted coupon campaigns, added later, come after the others.
    specs.sort(key=lambda campaign: (campaign.audience is not None, campaign.start, campaign.name))
    return specs


# Festivals of the date dimension that are not campaigns themselves.
SPRING_FESTIVAL = (_d(2025, 1, 29), _d(2026, 2, 17))
CHILDRENS_DAY = (_d(2025, 6, 1),)
DRAGON_BOAT = (_d(2025, 5, 31),)
MOTHERS_DAY = (_d(2025, 5, 11),)

# Campaign types that win when several campaigns run on the same day.
TYPE_PRIORITY = {
    "new_user_week": 0, "flash_discount_night": 1, "festival": 2, "points_race": 3,
    "member_day": 4, "weekend_flash_sale": 5, "referral": 6, "community_coupon": 7, "member_coupon": 8,
}


@dataclass
class Calendar:
    """Per-day arrays and the campaign table."""

    n_days: int
    weekday: np.ndarray            # 0 = Monday
    month_index: np.ndarray        # months since 2025-01
    quarter_index: np.ndarray      # quarters since 2025-Q1
    year: np.ndarray
    campaigns: list[Campaign]
    campaign_ids: np.ndarray       # 1..n
    campaign_start: np.ndarray     # day index
    campaign_end: np.ndarray       # day index, inclusive
    active: np.ndarray             # (n_campaigns, n_days) bool: campaign runs that day
    main_campaign: np.ndarray      # per day: index of the highest-priority campaign with orders, -1 none
    registration_weight: np.ndarray
    visit_multiplier: np.ndarray
    purchase_multiplier: np.ndarray

    def campaign_index(self, campaign_type: str, year: int) -> int:
        """Index of the first campaign of a type starting in a year."""
        for index, campaign in enumerate(self.campaigns):
            if campaign.campaign_type == campaign_type and campaign.start.year == year:
                return index
        raise KeyError((campaign_type, year))


def _window(mult: np.ndarray, start: dt.date, end: dt.date, factor: float) -> None:
    lo, hi = max(day_index(start), 0), min(day_index(end), len(mult) - 1)
    if lo <= hi:
        mult[lo:hi + 1] *= factor


def build_calendar() -> Calendar:
    """Build the day arrays and the campaigns for 2025-01-01 .. 2026-04-30."""
    n_days = N_DAYS
    days = np.arange(n_days)
    dates = np.datetime64("2025-01-01") + days
    weekday = (dates.astype(np.int64) + 3) % 7
    months = dates.astype("datetime64[M]").astype(np.int64) - np.datetime64("2025-01", "M").astype(np.int64)
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    quarter = months // 3

    campaigns = _campaign_specs()
    n_campaigns = len(campaigns)
    active = np.zeros((n_campaigns, n_days), dtype=bool)
    for index, campaign in enumerate(campaigns):
        lo, hi = day_index(campaign.start), min(day_index(campaign.end), n_days - 1)
        in_window = (days >= lo) & (days <= hi)
        active[index] = in_window & np.isin(weekday, campaign.weekdays)

    # The campaign an order on that day is placed under (if the order joins one).
    main = np.full(n_days, -1, dtype=np.int64)
    best = np.full(n_days, 99)
    for index, campaign in enumerate(campaigns):
        if campaign.order_share <= 0:
            continue
        priority = TYPE_PRIORITY[campaign.campaign_type]
        better = active[index] & (priority < best)
        main[better] = index
        best[better] = priority

    # Seasonality. Growth trend: the platform grows ~40% over the span.
    trend = 1.0 + 0.4 * days / n_days
    # Registrations: heavy in the launch half-year, then steadier.
    acquisition = 1.45 - 0.75 * days / n_days
    visit = np.ones(n_days)
    purchase = np.ones(n_days)
    registration = acquisition.copy()
    weekend = weekday >= 5
    visit[weekend] *= 1.08
    registration[weekend] *= 1.1
    for campaign_index, campaign in enumerate(campaigns):
        purchase[active[campaign_index]] *= campaign.purchase_lift
        if campaign.campaign_type == "new_user_week":
            _window(registration, campaign.start, campaign.end, 5.0)
            _window(visit, campaign.start, campaign.end, 1.1)
        if campaign.campaign_type == "festival":
            _window(visit, campaign.start, campaign.end, 1.15)
    # 618 and 双11 peak on their last days; 618 and 双11 also acquire users.
    for year, peak_start, peak_end, reg_start, reg_end in (
        (2025, _d(2025, 6, 16), _d(2025, 6, 18), _d(2025, 5, 25), _d(2025, 6, 18)),
        (2025, _d(2025, 11, 9), _d(2025, 11, 11), _d(2025, 10, 20), _d(2025, 11, 11)),
    ):
        _window(purchase, peak_start, peak_end, 1.8)
        _window(registration, reg_start, reg_end, 1.8)
    # Spring Festival: a dip around the holiday, then a rebound.
    for festival in SPRING_FESTIVAL:
        _window(purchase, festival - dt.timedelta(days=3), festival + dt.timedelta(days=6), 0.65)
        _window(visit, festival - dt.timedelta(days=3), festival + dt.timedelta(days=6), 0.7)
        _window(registration, festival - dt.timedelta(days=3), festival + dt.timedelta(days=6), 0.5)
        _window(purchase, festival + dt.timedelta(days=7), festival + dt.timedelta(days=14), 1.5)
        _window(visit, festival + dt.timedelta(days=7), festival + dt.timedelta(days=14), 1.15)
    for holiday in CHILDRENS_DAY + DRAGON_BOAT + MOTHERS_DAY:
        _window(visit, holiday, holiday, 1.1)

    return Calendar(
        n_days=n_days, weekday=weekday, month_index=months, quarter_index=quarter, year=years,
        campaigns=campaigns, campaign_ids=np.arange(1, n_campaigns + 1),
        campaign_start=np.array([day_index(c.start) for c in campaigns]),
        campaign_end=np.array([day_index(c.end) for c in campaigns]),
        active=active, main_campaign=main,
        registration_weight=registration, visit_multiplier=visit, purchase_multiplier=purchase,
    )
