"""Registrations (users) and the latent traits that drive each user's behaviour."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .calendar import Calendar
from .channels import ACQUISITION_SHARE, CH, CHANNELS, RAW_CODE_LIST, normalised, raw_code_for
from .defects import DEFECT_RATES
from .timeutil import DAY, NULL, random_second_of_day

BASE_USERS = 3_000
REFERRAL_SHARE = 0.07
NODE1_UNDER_18 = 0.317       # share of under-18 registrants with no event within 24 h
NODE1_NEW_USER_WEEK = 0.04
NODE1_OTHER = 0.158
LOGIN_HABIT = 0.66           # users who ever log in explicitly (first session included)

AGE_BANDS = ("under_18", "18_24", "25_34", "35_44", "45_plus", "unknown")
AGE_SHARE = np.array([0.21, 0.30, 0.28, 0.12, 0.07, 0.02])
AGE_RANGE = ((13, 17), (18, 24), (25, 34), (35, 44), (45, 60), (0, 0))
GENDERS = ("F", "M", "U", "f", "m")
DEVICES = ("app", "mini_program", "web", "APP", "MiniProgram", "H5", "miniprogram", "h5", "tablet")
DEVICE_SHARE = np.array([0.45, 0.40, 0.15])
CITIES = ("上海", "北京", "广州", "深圳", "杭州", "成都", "重庆", "武汉", "南京", "西安",
          "苏州", "天津", "长沙", "郑州", "青岛", "厦门", "宁波", "合肥", "昆明", "沈阳")
CITY_WEIGHTS = np.array([12, 11, 9, 9, 8, 7, 6, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 2], dtype=float)
SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
            "郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐")
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛",
         "明", "超", "秀英", "霞", "平", "刚", "桂英", "婷", "雪", "晨", "欣怡", "子涵", "浩然", "梓萱", "宇轩")
PHONE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152",
                  "157", "158", "159", "166", "176", "177", "180", "181", "186", "187", "188", "189", "199")


@dataclass
class Users:
    """All registrations (test accounts included) sorted by registration time."""

    n: int
    user_id: np.ndarray
    reg_l: np.ndarray                 # local seconds
    reg_day: np.ndarray
    age_band: np.ndarray              # index into AGE_BANDS
    birth_year: np.ndarray            # NULL when unknown
    gender: np.ndarray                # index into GENDERS
    city: np.ndarray
    device: np.ndarray                # 0 app, 1 mini_program, 2 web (clean code)
    channel: np.ndarray               # canonical acquisition channel index
    raw_code: np.ndarray              # index into RAW_CODE_LIST
    campaign: np.ndarray              # campaign index or -1
    referrer: np.ndarray              # user index or -1
    is_test: np.ndarray
    is_new_user_week: np.ndarray
    is_under_18: np.ndarray
    node1: np.ndarray                 # no event within 24 h of registration
    engaged: np.ndarray               # habitual visitor for the first weeks
    login_habit: np.ndarray
    phone: pa.Array
    full_name: pa.Array


def _engaged_probability(reg_day: np.ndarray, n_days: int) -> np.ndarray:
    """Engaged share of a cohort: 30-day retention ~32% early, ~38% after a quarter of work."""
    early, late = 0.33, 0.42
    start, end = 181, 273  # 2025-07-01 .. 2025-10-01: the quarter of improvement
    ramp = np.clip((reg_day - start) / (end - start), 0, 1)
    return early + (late - early) * ramp


def generate_users(rng: np.random.Generator, calendar: Calendar, scale: float) -> Users:
    """Draw registrations with seasonality, demographics and acquisition."""
    n_real = max(int(round(BASE_USERS * scale)), 50)
    n = n_real + max(int(round(n_real * DEFECT_RATES["test_accounts"])), 1)

    weights = calendar.registration_weight / calendar.registration_weight.sum()
    reg_day = np.sort(rng.choice(calendar.n_days, size=n, p=weights))
    reg_l = reg_day * DAY + random_second_of_day(rng, n)
    order = np.argsort(reg_l, kind="stable")
    reg_l = reg_l[order]
    reg_day = reg_l // DAY
    user_id = np.arange(1, n + 1, dtype=np.int64)

    age_band = rng.choice(len(AGE_BANDS), size=n, p=AGE_SHARE)
    low = np.array([r[0] for r in AGE_RANGE])[age_band]
    high = np.array([r[1] for r in AGE_RANGE])[age_band]
    age = low + (rng.random(n) * (high - low + 1)).astype(np.int64)
    reg_year = 2025 + (reg_day >= 365)
    birth_year = np.where(age_band == AGE_BANDS.index("unknown"), NULL, reg_year - age)
    is_under_18 = age_band == 0

    gender = rng.choice(3, size=n, p=[0.62, 0.30, 0.08])
    city = rng.choice(len(CITIES), size=n, p=CITY_WEIGHTS / CITY_WEIGHTS.sum())
    device = rng.choice(3, size=n, p=DEVICE_SHARE)
    device = np.where(is_under_18 & (rng.random(n) < 0.3), 1, device)

    channel = rng.choice(len(CHANNELS), size=n, p=normalised(ACQUISITION_SHARE))
    campaign = np.full(n, -1, dtype=np.int64)
    referrer = np.full(n, -1, dtype=np.int64)

    # Campaign acquisition: 新人福利周 registrants, festival registrants, referrals.
    for index, spec in enumerate(calendar.campaigns):
        in_window = calendar.active[index][reg_day]
        if spec.campaign_type == "new_user_week":
            campaign = np.where(in_window & (rng.random(n) < 0.8), index, campaign)
        elif spec.campaign_type == "festival":
            campaign = np.where(in_window & (campaign < 0) & (rng.random(n) < 0.3), index, campaign)
    referred = (rng.random(n) < REFERRAL_SHARE) & (np.arange(n) >= 20) & (campaign < 0)
    referrer_pick = (rng.random(n) * np.arange(n)).astype(np.int64)
    referrer = np.where(referred, referrer_pick, -1)
    referral_2025 = calendar.campaign_index("referral", 2025)
    referral_2026 = calendar.campaign_index("referral", 2026)
    campaign = np.where(referred, np.where(reg_day >= 365, referral_2026, referral_2025), campaign)
    channel = np.where(referred, CH["private_community"], channel)
    raw_code = raw_code_for(rng, channel)
    raw_code = np.where(referred, RAW_CODE_LIST.index("wechat_group"), raw_code)
    is_new_user_week = np.array([calendar.campaigns[c].campaign_type == "new_user_week" if c >= 0 else False
                                 for c in range(-1, len(calendar.campaigns))])[campaign + 1]

    is_test = np.zeros(n, dtype=bool)
    is_test[rng.choice(n, size=n - n_real, replace=False)] = True
    # Referrers are real users.
    referrer = np.where(referred & is_test[np.maximum(referrer, 0)], -1, referrer)
    campaign = np.where(referred & (referrer < 0), -1, campaign)

    node1_p = np.where(is_under_18, NODE1_UNDER_18, np.where(is_new_user_week, NODE1_NEW_USER_WEEK, NODE1_OTHER))
    node1 = rng.random(n) < node1_p
    engaged_p = _engaged_probability(reg_day, calendar.n_days)
    engaged_p = np.where(is_new_user_week, 0.86, engaged_p)
    engaged_p = np.where(is_under_18 & ~is_new_user_week, engaged_p * 0.75, engaged_p)
    engaged_p = np.where(channel == CH["private_community"], np.minimum(engaged_p * 1.1, 0.95), engaged_p)
    engaged = (rng.random(n) < engaged_p) & ~node1
    login_habit = rng.random(n) < LOGIN_HABIT

    phone = _phones(rng, n, is_test)
    full_name = _names(rng, n, is_test)
    return Users(
        n=n, user_id=user_id, reg_l=reg_l, reg_day=reg_day, age_band=age_band, birth_year=birth_year,
        gender=gender, city=city, device=device, channel=channel, raw_code=raw_code, campaign=campaign,
        referrer=referrer, is_test=is_test, is_new_user_week=is_new_user_week, is_under_18=is_under_18,
        node1=node1, engaged=engaged, login_habit=login_habit, phone=phone, full_name=full_name,
    )


def _phones(rng: np.random.Generator, n: int, is_test: np.ndarray) -> pa.Array:
    prefix = pa.array(PHONE_PREFIXES).take(pa.array(rng.integers(0, len(PHONE_PREFIXES), size=n)))
    body = pc.utf8_lpad(pc.cast(pa.array(rng.integers(0, 100_000_000, size=n)), pa.string()), 8, "0")
    phone = pc.binary_join_element_wise(prefix, body, "")
    test_phone = pc.binary_join_element_wise(
        pa.array(["1990000"] * n), pc.utf8_lpad(pc.cast(pa.array(np.arange(n) % 10_000), pa.string()), 4, "0"), "")
    return pc.if_else(pa.array(is_test), test_phone, phone)


def _names(rng: np.random.Generator, n: int, is_test: np.ndarray) -> pa.Array:
    surname = pa.array(SURNAMES).take(pa.array(rng.integers(0, len(SURNAMES), size=n)))
    given = pa.array(GIVEN).take(pa.array(rng.integers(0, len(GIVEN), size=n)))
    name = pc.binary_join_element_wise(surname, given, "")
    test_name = pc.binary_join_element_wise(
        pa.array(["测试账号"] * n), pc.cast(pa.array(np.arange(n) % 1000), pa.string()), "")
    return pc.if_else(pa.array(is_test), test_name, name)


def device_variant(rng: np.random.Generator, device: np.ndarray, rate: float) -> np.ndarray:
    """Device codes with a share of case/spelling variants (APP, MiniProgram, H5...)."""
    variant = np.array([3, 4, 5])[device]
    alt = np.array([3, 6, 7])[device]
    pick = rng.random(len(device))
    return np.where(pick < rate / 2, variant, np.where(pick < rate, alt, device))


__all__ = ["Users", "generate_users", "AGE_BANDS", "GENDERS", "DEVICES", "CITIES", "device_variant"]
