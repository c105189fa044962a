"""Traffic channels: canonical codes, the raw source codes emitted, shares and ROI.

Raw codes (users.acquisition_channel, events.utm_source, orders.channel) are
what the platform's systems write; the staging seed ``channel_mapping`` maps
them to the canonical channels below. ``None`` is a direct visit (no source).
"""

from __future__ import annotations

import numpy as np

CHANNELS: tuple[str, ...] = (
    "platform_search", "douyin_live", "xiaohongshu", "weibo", "bilibili",
    "private_community", "kol_koc", "official_site", "offline_store", "direct", "other",
)
PAID_CHANNELS: tuple[str, ...] = CHANNELS[:9]  # channels that carry spend
CH = {name: index for index, name in enumerate(CHANNELS)}

# Raw source codes per canonical channel (the variants are all in use).
RAW_CODES: dict[str, tuple[str | None, ...]] = {
    "platform_search": ("app_search", "search"),
    "douyin_live": ("douyin", "douyin_live"),
    "xiaohongshu": ("xhs", "xiaohongshu"),
    "weibo": ("weibo",),
    "bilibili": ("bilibili", "b23"),
    "private_community": ("wecom", "wechat_group"),
    "kol_koc": ("kol", "koc"),
    "official_site": ("official", "website"),
    "offline_store": ("store", "offline"),
    "direct": (None,),
    "other": ("partner_x", "unknown_media"),
}
# Case variants injected as a defect (staging lower-cases codes).
CASE_VARIANTS: dict[str, str] = {"xhs": "XHS", "douyin": "Douyin", "wecom": "WeCom", "app_search": "App_Search"}

# Flat list of raw codes; RAW_CODE_CHANNEL[i] is the channel of RAW_CODE_LIST[i].
RAW_CODE_LIST: list[str | None] = []
RAW_CODE_CHANNEL: list[int] = []
for _channel, _codes in RAW_CODES.items():
    for _code in _codes:
        RAW_CODE_LIST.append(_code)
        RAW_CODE_CHANNEL.append(CH[_channel])
RAW_CODE_LIST += list(CASE_VARIANTS.values())
RAW_CODE_CHANNEL += [CH[ch] for ch in ("xiaohongshu", "douyin_live", "private_community", "platform_search")]
RAW_CODE_CHANNEL_ARRAY = np.array(RAW_CODE_CHANNEL)
_FIRST_CODE = np.array([RAW_CODE_LIST.index(RAW_CODES[ch][0]) for ch in CHANNELS])
_N_VARIANTS = np.array([len(RAW_CODES[ch]) for ch in CHANNELS])
CASE_VARIANT_CODE = {RAW_CODE_LIST.index(src): RAW_CODE_LIST.index(dst) for src, dst in CASE_VARIANTS.items()}

# Share of visits (sessions) per channel: the platform's reported traffic mix.
VISIT_SHARE = np.array([0.35, 0.28, 0.06, 0.03, 0.03, 0.15, 0.03, 0.02, 0.01, 0.037, 0.003])
# Relative order conversion per visit (Douyin live 1.2% vs private community 3.2%).
CONVERSION = np.array([1.9, 0.85, 2.2, 1.3, 1.5, 2.67, 1.8, 2.5, 2.0, 2.4, 1.0])
# Order value factor per channel (Douyin live sells cheap items: low AOV).
AOV_FACTOR = np.array([1.03, 0.62, 1.08, 0.95, 1.0, 1.05, 1.05, 1.1, 1.1, 1.0, 1.0])
# Registration (acquisition) mix: like visits, referral comes on top.
ACQUISITION_SHARE = np.array([0.30, 0.27, 0.08, 0.04, 0.04, 0.12, 0.05, 0.03, 0.02, 0.047, 0.003])
# Weekly ROI (attributed GMV / spend) each paid channel is calibrated around.
TARGET_ROI = {
    "platform_search": 2.2, "douyin_live": 2.55, "xiaohongshu": 4.2, "weibo": 1.8,
    "bilibili": 5.6, "private_community": 3.0, "kol_koc": 4.7, "official_site": 6.0,
    "offline_store": 3.6,
}
# Impressions bought per yuan; None where the channel does not report them.
IMPRESSIONS_PER_YUAN = {
    "platform_search": 35.0, "douyin_live": 60.0, "xiaohongshu": 40.0, "weibo": 55.0,
    "bilibili": 45.0, "private_community": None, "kol_koc": 30.0, "official_site": None,
    "offline_store": None,
}


def raw_code_for(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """Pick one of the channel's raw codes (index into RAW_CODE_LIST)."""
    channel = np.asarray(channel)
    variant = (rng.random(len(channel)) * _N_VARIANTS[channel]).astype(np.int64)
    return _FIRST_CODE[channel] + variant


def normalised(weights: np.ndarray) -> np.ndarray:
    """Weights scaled to sum to one."""
    weights = np.clip(np.asarray(weights, dtype=float), 0, None)
    return weights / weights.sum()
