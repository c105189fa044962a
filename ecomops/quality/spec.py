"""The Great Expectations suites of the warehouse, as a compact spec.

One ``Suite`` per staging model and per public mart. Its rules come in two
kinds (docs/quality.md, "Invariants and calibration checks"):

- **invariants**, the fields of ``Suite`` itself: keys, completeness, value
  ranges (non-negative, positive where zero is impossible, rates in [0, 1]),
  allowed sets, cross-column order, regexes, the dates that define the data's
  window lying inside it, and row-count bounds that follow from the model's
  grain. They hold on any correct warehouse, whatever the export, and an
  empty table passes them. ``ecomops validate`` always runs them.
- **calibration checks**, ``Suite.calibration``: bounds tuned to the
  committed sample (means such as the AOV band, row-count ratios, dates of
  entities that do not define the window lying inside it, ranges that follow
  a var's default). A real export may legitimately break them, so they run
  only with ``ecomops validate --profile sample`` (what ``make build`` and
  ``make test`` run on the committed sample).

``expectations()`` and ``calibration_expectations()`` turn a suite into
Great Expectations expectation objects, each with a one-line
``description`` that the validate command prints when it fails.
``python -m ecomops.quality.gx_project`` writes them into the file project
under ``gx/``: suite ``<model>`` (invariants) and ``<model>__calibration``;
edit this file, not the JSON.

Values that depend on the data are suite parameters filled in at run time by
``ecomops.quality.warehouse`` (never hard-coded here):

- ``<model>__min_rows`` / ``<model>__max_rows`` (invariants) and
  ``<model>__calibration_min_rows`` / ``..._max_rows``: row-count bounds, a
  ratio of the row count of another relation (``Rows.relative_to``: usually
  the raw input as seen by the ``base_`` model, or the upstream model);
- ``span_start_date`` / ``span_end_date`` (and ``span_end_year``): the data's
  first and last Asia/Shanghai day, read from ``intermediate.int_data_window``;
- ``calendar_start_date`` / ``calendar_end_date``: the span of ``dim_date``,
  from the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import great_expectations.expectations as gxe

PROFILES = ("any", "sample")
CALIBRATION_SUFFIX = "__calibration"

SPAN_START = {"$PARAMETER": "span_start_date"}
SPAN_END = {"$PARAMETER": "span_end_date"}
SPAN_END_YEAR = {"$PARAMETER": "span_end_year"}
CALENDAR_START = {"$PARAMETER": "calendar_start_date"}
CALENDAR_END = {"$PARAMETER": "calendar_end_date"}

# A descriptive attribute that is missing or not recognised is repaired to
# 'unknown' in staging (docs/staging.md), never a reason to quarantine.
UNKNOWN = "unknown"


def _descriptive(*values: str) -> tuple[str, ...]:
    """The allowed values of a descriptive attribute: its codes and 'unknown'."""
    return values + (UNKNOWN,)


CHANNELS = (
    "platform_search",
    "douyin_live",
    "xiaohongshu",
    "weibo",
    "bilibili",
    "private_community",
    "kol_koc",
    "official_site",
    "offline_store",
    "direct",
    "other",
)
DEVICES = _descriptive("app", "mini_program", "web")
GENDERS = ("F", "M", "U")
TIERS = ("non_member", "regular", "vip")
AGE_BANDS = ("under_18", "18_24", "25_34", "35_44", "45_plus", "unknown")
ORDER_STATUSES = ("created", "paid", "shipped", "delivered", "completed", "cancelled", "refunded")
CATEGORIES = _descriptive("gift_box", "beauty", "home", "snacks")
# browse, cart and login events, then the interactions (互动) of the value model
EVENT_TYPES = ("login", "page_view", "search", "add_to_cart", "share", "comment", "like", "check_in")
MESSAGE_CHANNELS = ("sms", "push", "wecom", "phone")
# new_user_week 新人福利周, points_race 会员积分赛, flash_discount_night 限时折扣夜,
# member_day 会员日, weekend_flash_sale 周末闪购, referral 推荐有礼, festival 节日大促,
# community_coupon 私域社群专享券, member_coupon 会员专享券
CAMPAIGN_TYPES = _descriptive("new_user_week", "points_race", "flash_discount_night", "member_day",
                              "weekend_flash_sale", "referral", "festival", "community_coupon", "member_coupon")
CARRIERS = _descriptive("sf", "jd", "yto", "zto", "ems")
RETURN_REASONS = _descriptive("late_delivery", "quality", "wrong_size_shade", "not_as_described", "changed_mind")
POINTS_REASONS = _descriptive("purchase", "check_in", "share", "order_redemption", "year_end_expiry")
MESSAGE_PURPOSES = ("recall_1", "recall_2", "recall_3", "promotion", "logistics_notice")
# The quarantine rules (staging.stg_quarantine__rows.rule; docs/staging.md).
QUARANTINE_RULES = (
    "unreadable_line", "null_key", "missing_loaded_at", "conflicting_duplicate", "invalid_value",
    "money_sub_cent", "timestamp_placeholder", "timestamp_before_floor", "timestamp_after_load",
    "timestamp_in_future", "unknown_enum", "negative_amount", "non_positive_amount", "paid_before_placed",
    "cancelled_before_placed", "delivered_before_shipped", "shipped_before_paid", "requested_before_paid",
    "returned_before_delivered", "refund_exceeds_paid", "end_before_start", "expires_before_issued",
    "redeemed_before_issued", "clicked_before_sent", "orphan_user", "orphan_order", "orphan_campaign",
    "test_account", "fraud_flagged", "parent_quarantined",
)
# raw entity -> source system (base model: staging.base_<source>__<entity>)
RAW_ENTITIES = {
    "users": "shop", "orders": "shop", "order_items": "shop", "events": "tracking",
    "shipments": "logistics", "returns": "logistics", "campaigns": "marketing", "channel_spend": "marketing",
    "coupons": "marketing", "points_ledger": "crm", "member_tiers": "crm", "messages": "crm",
    "experiments": "growth",
}
ALL_RAW_ROWS = "select " + " + ".join(
    f"(select count(*) from staging.base_{source}__{entity})" for entity, source in RAW_ENTITIES.items()
)
SHA256_HEX = r"^[0-9a-f]{64}$"
# Row-count bases (queries returning one number; see Rows.relative_to).
SPAN_DAYS = "select datediff('day', date '{span_start_date}', date '{span_end_date}') + 1"
CALENDAR_DAYS = "select datediff('day', date '{calendar_start_date}', date '{calendar_end_date}') + 1"

Bound = float | int | dict[str, str] | None


@dataclass(frozen=True)
class Rows:
    """Row-count bounds: ``min_ratio`` .. ``max_ratio`` times the row count of
    ``relative_to`` (a ``schema.table`` name, or a SQL query returning one
    number; ``{span_start_date}``, ``{span_end_date}``,
    ``{calendar_start_date}`` and ``{calendar_end_date}`` are filled in).
    ``None`` leaves that side open."""

    relative_to: str
    min_ratio: float | None
    max_ratio: float | None
    why: str


@dataclass(frozen=True)
class Mean:
    """The mean of a column (a share for booleans) within a band."""

    column: str
    min_value: float
    max_value: float
    why: str
    # Only rows where every (column, operator, value) holds, e.g.
    # (("is_paid", "==", True),); operators: == != < <= > >=.
    where: tuple[tuple[str, str, Any], ...] = ()


@dataclass(frozen=True)
class Calibration:
    """The checks of a suite tuned to the committed sample (run only with
    ``--profile sample``): a real export may legitimately break them."""

    rows: Rows | None = None
    means: tuple[Mean, ...] = ()
    between: dict[str, tuple[Bound, Bound]] = field(default_factory=dict)
    # dates of entities that do not define the data's window, inside it
    span_dates: tuple[str, ...] = ()
    # (later, earlier) across entities that staging does not enforce
    ordered: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rows or self.means or self.between or self.span_dates or self.ordered)


@dataclass(frozen=True)
class Suite:
    """The rules of one table. Field names say which family of rules; every
    field but ``calibration`` is an invariant."""

    model: str
    schema: str
    key: tuple[str, ...]
    rows: Rows | None = None
    not_null: tuple[str, ...] = ()
    non_negative: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    rates: tuple[str, ...] = ()
    # dates that define the data's window (or are derived from them)
    span_dates: tuple[str, ...] = ()
    sets: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # (later, earlier): later >= earlier where both are present
    ordered: tuple[tuple[str, str], ...] = ()
    regex: dict[str, str] = field(default_factory=dict)
    between: dict[str, tuple[Bound, Bound]] = field(default_factory=dict)
    calibration: Calibration = field(default_factory=Calibration)

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.model}"

    @property
    def calibration_name(self) -> str:
        """The name of the Great Expectations suite of the calibration checks."""
        return f"{self.model}{CALIBRATION_SUFFIX}"

    def gx_suite_names(self, profile: str = "any") -> list[str]:
        """The Great Expectations suites of this table that run under ``profile``."""
        names = [self.model]
        if profile == "sample" and self.calibration:
            names.append(self.calibration_name)
        return names

    def row_bounds(self) -> list[tuple[str, str, Rows]]:
        """(Great Expectations suite, parameter prefix, bounds) of every
        row-count rule of this table, the invariant first."""
        out = []
        if self.rows is not None:
            out.append((self.model, f"{self.model}__", self.rows))
        if self.calibration.rows is not None:
            out.append((self.calibration_name, f"{self.model}__calibration_", self.calibration.rows))
        return out

    def expectations(self) -> list["gxe.Expectation"]:
        """The invariants of this table as expectations, in a stable order."""
        import great_expectations.expectations as gxe  # slow import: only when suites are built

        out: list[gxe.Expectation] = []
        if self.rows is not None:
            out.append(_row_count(self.rows, f"{self.model}__"))
        if len(self.key) == 1:
            out.append(
                gxe.ExpectColumnValuesToBeUnique(
                    column=self.key[0], description=f"{self.key[0]} is unique (primary key)"
                )
            )
        else:
            out.append(
                gxe.ExpectCompoundColumnsToBeUnique(
                    column_list=list(self.key),
                    description=f"({', '.join(self.key)}) is unique (primary key)",
                )
            )
        for column in _unique(self.key + self.not_null):
            out.append(
                gxe.ExpectColumnValuesToNotBeNull(column=column, description=f"{column} is never null")
            )
        for column in self.non_negative:
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=column, min_value=0, description=f"{column} >= 0 (amounts and counts are non-negative)"
                )
            )
        for column in self.positive:
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=column, min_value=0, strict_min=True, description=f"{column} > 0"
                )
            )
        for column in self.rates:
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=column, min_value=0, max_value=1, description=f"{column} is a rate in [0, 1]"
                )
            )
        out.extend(_between(self.between))
        out.extend(_span(self.span_dates))
        for column, values in self.sets.items():
            out.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=column, value_set=list(values),
                    description=f"{column} in the allowed set",
                )
            )
        out.extend(_ordered(self.ordered))
        for column, pattern in self.regex.items():
            out.append(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=column, regex=pattern, description=f"{column} matches {pattern}"
                )
            )
        return out

    def calibration_expectations(self) -> list["gxe.Expectation"]:
        """The calibration checks of this table as expectations (empty when none)."""
        import great_expectations.expectations as gxe

        checks = self.calibration
        out: list[gxe.Expectation] = []
        if checks.rows is not None:
            out.append(_row_count(checks.rows, f"{self.model}__calibration_", calibrated=True))
        out.extend(_between(checks.between, calibrated=True))
        out.extend(_span(checks.span_dates, calibrated=True))
        out.extend(_ordered(checks.ordered, calibrated=True))
        for mean in checks.means:
            kwargs: dict[str, Any] = {}
            if mean.where:
                kwargs = {"row_condition": _condition(mean.where)}
            out.append(
                gxe.ExpectColumnMeanToBeBetween(
                    column=mean.column, min_value=mean.min_value, max_value=mean.max_value,
                    description=f"mean of {mean.column}"
                    + (f" where {_describe_where(mean.where)}" if mean.where else "")
                    + f" within [{mean.min_value:g}, {mean.max_value:g}] ({mean.why}; calibrated on the sample)",
                    **kwargs,
                )
            )
        return out


def _row_count(rows: Rows, prefix: str, calibrated: bool = False) -> "gxe.Expectation":
    import great_expectations.expectations as gxe

    if rows.min_ratio is not None and rows.max_ratio is not None:
        bounds = f"within {rows.min_ratio:g}-{rows.max_ratio:g} x"
    elif rows.min_ratio is not None:
        bounds = f"at least {rows.min_ratio:g} x"
    else:
        bounds = f"at most {rows.max_ratio:g} x"
    return gxe.ExpectTableRowCountToBeBetween(
        min_value=None if rows.min_ratio is None else {"$PARAMETER": f"{prefix}min_rows"},
        max_value=None if rows.max_ratio is None else {"$PARAMETER": f"{prefix}max_rows"},
        description=(
            f"row count {bounds} rows of {_short(rows.relative_to)} ({rows.why}"
            + ("; calibrated on the sample)" if calibrated else ")")
        ),
    )


def _between(between: dict[str, tuple[Bound, Bound]], calibrated: bool = False) -> list["gxe.Expectation"]:
    import great_expectations.expectations as gxe

    suffix = " (calibrated on the sample)" if calibrated else ""
    return [
        gxe.ExpectColumnValuesToBeBetween(
            column=column, min_value=low, max_value=high,
            description=f"{column} within [{_bound(low)}, {_bound(high)}]{suffix}",
        )
        for column, (low, high) in between.items()
    ]


def _span(columns: tuple[str, ...], calibrated: bool = False) -> list["gxe.Expectation"]:
    import great_expectations.expectations as gxe

    why = ("as on the sample; this entity does not define the window" if calibrated
           else "span_start_date .. span_end_date, int_data_window")
    return [
        gxe.ExpectColumnValuesToBeBetween(
            column=column, min_value=SPAN_START, max_value=SPAN_END,
            description=f"{column} inside the data's window ({why})",
        )
        for column in columns
    ]


def _ordered(pairs: tuple[tuple[str, str], ...], calibrated: bool = False) -> list["gxe.Expectation"]:
    import great_expectations.expectations as gxe

    suffix = " (calibrated on the sample)" if calibrated else ""
    return [
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=later, column_B=earlier, or_equal=True,
            ignore_row_if="either_value_is_missing",
            description=f"{later} >= {earlier} where both are present{suffix}",
        )
        for later, earlier in pairs
    ]


def _condition(where: tuple[tuple[str, str, Any], ...]):
    """A Great Expectations row condition: the AND of the comparisons."""
    import operator

    from great_expectations.expectations.row_conditions import Column

    operators = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
                 ">": operator.gt, ">=": operator.ge}
    conditions = [operators[op](Column(column), value) for column, op, value in where]
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined


def _describe_where(where: tuple[tuple[str, str, Any], ...]) -> str:
    return " and ".join(f"{column} {op} {value!r}" for column, op, value in where)


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _short(relation: str) -> str:
    return relation if not relation.lstrip().lower().startswith("select") else "a query"


def _bound(value: Bound) -> str:
    if value is None:
        return "-inf"
    if isinstance(value, dict):
        return value["$PARAMETER"]
    return f"{value:g}" if isinstance(value, float) else str(value)


def _base(relation: str, calibrated_dates: tuple[str, ...] = ()) -> dict[str, Any]:
    """Staged rows vs all raw rows of the entity (the ``base_`` model, one row
    per raw row). Invariant: staging keeps at most every raw row (raw = staged
    + quarantined + removed duplicates). Calibration: an alarm when more than
    10% are set aside (the sample loses 0-3% per entity), and
    ``calibrated_dates``, dates of an entity that does not define the data's
    window, inside it (true of the sample; an export may legitimately extract
    such an entity later or earlier than the orders)."""
    return {
        "rows": Rows(relative_to=relation, min_ratio=None, max_ratio=1.0,
                     why="raw rows less quarantined rows and removed duplicates"),
        "calibration": Calibration(
            rows=Rows(relative_to=relation, min_ratio=0.9, max_ratio=1.0, why="at most 10% of the raw rows set aside"),
            span_dates=calibrated_dates,
        ),
    }


def _same(relation: str) -> Rows:
    return Rows(relative_to=relation, min_ratio=1.0, max_ratio=1.0, why="one row per upstream row")


def _span_days(ratio_min: float | None, ratio_max: float | None, why: str) -> Rows:
    """Bounds as a multiple of the number of days in the data's span."""
    return Rows(relative_to=SPAN_DAYS, min_ratio=ratio_min, max_ratio=ratio_max, why=why)


def _calendar(unit: str, ratio_min: float | None, ratio_max: float | None, why: str) -> Rows:
    """Bounds as a multiple of the number of ISO weeks / months / quarters in the span."""
    column = {"week": "iso_week_start_date", "month": "month_start_date",
              "quarter": "date_trunc('quarter', date_day)"}[unit]
    return Rows(
        relative_to=(f"select count(distinct {column}) from marts.dim_date "
                     "where date_day between date '{span_start_date}' and date '{span_end_date}'"),
        min_ratio=ratio_min, max_ratio=ratio_max, why=why,
    )


# --------------------------------------------------------------------------
# Staging: one suite per stg_ model (the clean, deduplicated rows).
# --------------------------------------------------------------------------

STAGING: tuple[Suite, ...] = (
    Suite(
        model="stg_shop__users", schema="staging", key=("user_id",),
        **_base("staging.base_shop__users"),
        not_null=("registered_at", "registered_date", "gender", "city", "device", "acquisition_channel",
                  "loaded_at"),
        span_dates=("registered_date",),
        sets={"gender": GENDERS, "device": DEVICES, "acquisition_channel": CHANNELS},
        # staging sets a birth year outside 1920 .. the registration year to null
        between={"birth_year": (1920, SPAN_END_YEAR)},
        regex={"phone_hash": SHA256_HEX, "full_name_hash": SHA256_HEX},
    ),
    Suite(
        model="stg_shop__orders", schema="staging", key=("order_id",),
        **_base("staging.base_shop__orders", calibrated_dates=("cancelled_date",)),
        not_null=("user_id", "placed_at", "placed_date", "order_status", "is_paid", "is_zero_amount",
                  "order_amount_cny", "order_channel", "loaded_at"),
        # zero-amount orders (full coupon, gift, free sample) are valid: >= 0
        non_negative=("list_amount_cny", "discount_amount_cny", "coupon_amount_cny", "shipping_fee_cny",
                      "order_amount_cny"),
        span_dates=("placed_date", "paid_date"),
        sets={"order_status": ORDER_STATUSES, "order_channel": CHANNELS},
        ordered=(("paid_at", "placed_at"), ("cancelled_at", "placed_at")),
    ),
    Suite(
        model="stg_shop__order_items", schema="staging", key=("order_item_id",),
        **_base("staging.base_shop__order_items"),
        not_null=("order_id", "product_id", "category", "quantity", "unit_price_cny", "line_amount_cny", "loaded_at"),
        non_negative=("unit_price_cny", "unit_cost_cny", "line_amount_cny"),
        positive=("quantity",),
        sets={"category": CATEGORIES},
    ),
    Suite(
        model="stg_tracking__events", schema="staging", key=("event_id",),
        **_base("staging.base_tracking__events"),
        not_null=("user_id", "event_type", "channel", "platform", "event_at", "event_date", "loaded_at"),
        span_dates=("event_date",),
        sets={"event_type": EVENT_TYPES, "channel": CHANNELS, "platform": DEVICES},
    ),
    Suite(
        model="stg_logistics__shipments", schema="staging", key=("shipment_id",),
        **_base("staging.base_logistics__shipments", calibrated_dates=("shipped_date", "delivered_date")),
        not_null=("order_id", "carrier", "shipped_at", "shipped_date", "loaded_at"),
        sets={"carrier": CARRIERS},
        ordered=(("delivered_at", "shipped_at"),),
    ),
    Suite(
        model="stg_logistics__returns", schema="staging", key=("return_id",),
        **_base("staging.base_logistics__returns", calibrated_dates=("requested_date",)),
        not_null=("order_id", "requested_at", "requested_date", "return_reason", "refund_amount_cny", "loaded_at"),
        # a zero refund refunds nothing: staging quarantines it (non_positive_amount)
        positive=("refund_amount_cny",),
        sets={"return_reason": RETURN_REASONS},
    ),
    Suite(
        model="stg_marketing__campaigns", schema="staging", key=("campaign_id",),
        **_base("staging.base_marketing__campaigns"),
        not_null=("campaign_name", "campaign_type", "start_date", "end_date", "loaded_at"),
        non_negative=("budget_cny",),
        sets={"campaign_type": CAMPAIGN_TYPES},
        ordered=(("end_date", "start_date"),),
    ),
    Suite(
        model="stg_marketing__channel_spend", schema="staging", key=("channel_spend_id",),
        **_base("staging.base_marketing__channel_spend", calibrated_dates=("spend_date",)),
        not_null=("spend_date", "channel", "spend_cny", "loaded_at"),
        non_negative=("spend_cny", "impressions"),
        sets={"channel": CHANNELS},
    ),
    Suite(
        model="stg_marketing__coupons", schema="staging", key=("coupon_id",),
        **_base("staging.base_marketing__coupons", calibrated_dates=("issued_date", "redeemed_date")),
        not_null=("user_id", "threshold_amount_cny", "discount_value_cny", "issued_at", "issued_date",
                  "is_redeemed", "loaded_at"),
        non_negative=("threshold_amount_cny",),
        # a coupon worth nothing is quarantined (non_positive_amount)
        positive=("discount_value_cny",),
        ordered=(("redeemed_at", "issued_at"), ("expires_at", "issued_at")),
    ),
    Suite(
        model="stg_crm__points_ledger", schema="staging", key=("entry_id",),
        **_base("staging.base_crm__points_ledger", calibrated_dates=("occurred_date",)),
        not_null=("user_id", "entry_type", "points", "points_delta", "occurred_at", "occurred_date",
                  "is_farming_suspected", "loaded_at"),
        positive=("points",),
        sets={"entry_type": ("earn", "redeem", "expire"), "reason": POINTS_REASONS},
    ),
    Suite(
        model="stg_crm__member_tiers", schema="staging", key=("tier_change_id",),
        **_base("staging.base_crm__member_tiers", calibrated_dates=("changed_date",)),
        not_null=("user_id", "to_tier", "changed_at", "changed_date", "loaded_at"),
        sets={"from_tier": TIERS, "to_tier": TIERS},
    ),
    Suite(
        model="stg_crm__messages", schema="staging", key=("message_id",),
        **_base("staging.base_crm__messages", calibrated_dates=("sent_date",)),
        not_null=("user_id", "message_channel", "purpose", "is_marketing", "sent_at", "sent_date",
                  "is_clicked", "loaded_at"),
        sets={"message_channel": MESSAGE_CHANNELS, "recall_step": (1, 2, 3), "purpose": MESSAGE_PURPOSES},
        ordered=(("clicked_at", "sent_at"),),
    ),
    Suite(
        model="stg_growth__experiments", schema="staging", key=("assignment_id",),
        **_base("staging.base_growth__experiments", calibrated_dates=("assigned_date",)),
        not_null=("experiment_id", "user_id", "group_name", "assigned_at", "assigned_date", "loaded_at"),
        sets={"group_name": ("A", "B")},
    ),
    Suite(
        model="stg_quarantine__rows", schema="staging", key=("quarantine_id",),
        rows=Rows(ALL_RAW_ROWS, None, 1.0, "each quarantined row is one raw row"),
        not_null=("entity", "natural_key", "rule", "raw_row"),
        sets={"entity": tuple(RAW_ENTITIES), "rule": QUARANTINE_RULES},
        calibration=Calibration(rows=Rows(ALL_RAW_ROWS, 0, 0.1, "at most 10% of all raw rows are set aside")),
    ),
)

# --------------------------------------------------------------------------
# Public marts.
# --------------------------------------------------------------------------

CORE: tuple[Suite, ...] = (
    Suite(
        model="dim_users", schema="marts", key=("user_id",),
        rows=_same("staging.stg_shop__users"),
        not_null=("registered_at", "registered_date", "age_band", "gender", "device", "acquisition_channel",
                  "is_referred"),
        span_dates=("registered_date", "first_paid_order_date"),
        sets={"age_band": AGE_BANDS, "gender": GENDERS, "device": DEVICES, "acquisition_channel": CHANNELS},
        regex={"phone_hash": SHA256_HEX, "full_name_hash": SHA256_HEX},
        # an order may precede the registration on a real export (a guest
        # checkout, an account created later): staging keeps both
        calibration=Calibration(ordered=(("first_paid_order_at", "registered_at"),)),
    ),
    Suite(
        model="dim_date", schema="marts", key=("date_day",),
        # with the unique key and the range below: every day of the calendar, once
        rows=Rows(relative_to=CALENDAR_DAYS, min_ratio=1.0, max_ratio=1.0,
                  why="one row per day from calendar_start_date to calendar_end_date"),
        not_null=("year", "quarter", "month", "month_start_date", "iso_year", "iso_week",
                  "iso_week_start_date", "day_of_week", "is_weekend"),
        between={"date_day": (CALENDAR_START, CALENDAR_END), "day_of_week": (1, 7), "month": (1, 12),
                 "quarter": (1, 4), "iso_week": (1, 53)},
        ordered=(("date_day", "iso_week_start_date"), ("date_day", "month_start_date")),
    ),
    Suite(
        model="fct_orders", schema="marts", key=("order_id",),
        rows=_same("staging.stg_shop__orders"),
        not_null=("user_id", "placed_at", "placed_date", "order_status", "is_paid", "is_zero_amount",
                  "order_channel", "order_amount_cny", "paid_gmv_cny", "refunded_amount_cny", "net_gmv_cny",
                  "item_count", "is_returned", "is_first_paid_order"),
        # zero-amount paid orders are valid: order amount and paid GMV >= 0
        non_negative=("list_amount_cny", "discount_amount_cny", "coupon_amount_cny", "shipping_fee_cny",
                      "order_amount_cny", "paid_gmv_cny", "refunded_amount_cny", "item_count"),
        span_dates=("placed_date", "paid_date"),
        sets={"order_status": ORDER_STATUSES, "order_channel": CHANNELS},
        ordered=(("paid_at", "placed_at"), ("cancelled_at", "placed_at"), ("shipped_at", "placed_at"),
                 ("delivered_at", "shipped_at"), ("paid_gmv_cny", "refunded_amount_cny")),
        between={"paid_order_sequence": (1, None)},
        calibration=Calibration(
            span_dates=("cancelled_date", "delivered_date"),
            means=(
                Mean("is_paid", 0.80, 0.95, why="share of orders paid; the reports' order->pay step is 88%"),
                Mean("paid_gmv_cny", 150.0, 350.0, where=(("is_paid", "==", True),),
                     why="AOV; the reports quote 210 -> 260 yuan"),
            ),
        ),
    ),
)

# --------------------------------------------------------------------------
# Retention, churn and marketing marts (docs/retention.md, docs/churn.md,
# docs/marketing.md).
# --------------------------------------------------------------------------

MARKETING_CHANNELS = CHANNELS + ("crm",)
ATTRIBUTION_MODELS = ("first_touch", "last_touch", "linear", "position_based", "time_decay")
_ROI_COLUMNS = tuple(f"roi_{model}" for model in ATTRIBUTION_MODELS)
_CREDITED = tuple(f"credited_orders_{model}" for model in ATTRIBUTION_MODELS) + tuple(
    f"credited_gmv_{model}_cny" for model in ATTRIBUTION_MODELS
)
_CHANNEL_AMOUNTS = ("spend_cny", "unique_visitors", "paying_visitors", "new_registered_users",
                    "new_paying_customers", "new_customers_matured_30d", "repurchased_30d_customers",
                    "cac_per_registration_cny", "cac_per_paying_customer_cny", "uv_value_cny") + _ROI_COLUMNS
COHORT_KEY = ("cohort_event", "activity_type", "cohort_grain", "cohort_start_date", "segment_dimension",
              "segment_value")
COHORT_SETS: dict[str, tuple[Any, ...]] = {
    "cohort_event": ("registration", "first_paid_order"),
    "activity_type": ("any_event", "paid_order"),
    "cohort_grain": ("day", "week", "month"),
    "segment_dimension": ("all", "acquisition_channel", "first_campaign", "device", "age_band", "member_tier",
                          "experiment_group"),
}
CHURN_NODES = ("registered_no_return", "carted_not_ordered", "ordered_not_paid", "received_not_repurchased",
               "sleeping")
CHURN_NODE_CODES = ("registered_no_return_1d", "registered_no_return_7d", "carted_not_ordered_3d",
                    "ordered_not_paid_3d", "received_not_repurchased_7d", "received_not_repurchased_30d",
                    "sleeping_90d", "sleeping_180d")
EXPERIMENT_METRICS = ("d1_retention", "d7_retention", "d30_retention", "first_paid_order_conversion",
                      "aov_cny", "gmv_per_user_cny")
EXPERIMENT_READOUTS = ("ab_test", "aa_check")
RECALL_STEPS = (1, 2, 3)

RETENTION: tuple[Suite, ...] = (
    Suite(
        model="fct_cohort_retention", schema="marts", key=COHORT_KEY + ("period_number",),
        not_null=("cohort_end_date", "period_start_date", "period_end_date", "cohort_size", "retained_users",
                  "retained_users_unbounded", "is_complete"),
        non_negative=("cohort_size", "retained_users"),
        rates=("retention_rate", "retention_rate_unbounded"),
        sets=COHORT_SETS,
        between={"period_number": (0, None)},
        ordered=(("retained_users_unbounded", "retained_users"), ("cohort_size", "retained_users_unbounded"),
                 ("period_end_date", "period_start_date"), ("cohort_end_date", "cohort_start_date")),
        calibration=Calibration(
            rows=Rows("marts.dim_users", 10, 500, "cohorts x segments x periods per registered user"),
            # the default of var retention_max_periods (day: 90)
            between={"period_number": (0, 90)},
        ),
    ),
    Suite(
        model="fct_cohort_retention_brackets", schema="marts", key=COHORT_KEY + ("bracket_name",),
        not_null=("bracket_start_day", "bracket_end_day", "cohort_size", "retained_users", "is_complete"),
        non_negative=("cohort_size", "retained_users"),
        rates=("retention_rate",),
        sets=COHORT_SETS,
        ordered=(("bracket_end_day", "bracket_start_day"), ("cohort_size", "retained_users")),
        calibration=Calibration(
            rows=Rows("marts.dim_users", 2, 100, "cohorts x segments x brackets per registered user"),
        ),
    ),
    Suite(
        model="fct_cohort_retention_summary", schema="marts", key=COHORT_KEY,
        not_null=("cohort_size", "d1_retained_users", "d7_retained_users", "d30_retained_users"),
        non_negative=("cohort_size", "d1_retained_users", "d7_retained_users", "d30_retained_users"),
        rates=("d1_retention_rate", "d7_retention_rate", "d30_retention_rate"),
        sets=COHORT_SETS,
        ordered=(("cohort_size", "d1_retained_users"), ("cohort_size", "d30_retained_users")),
        calibration=Calibration(rows=Rows("marts.dim_users", 1, 20, "cohorts x segments per registered user")),
    ),
    Suite(
        model="fct_funnel_daily", schema="marts", key=("funnel_date", "channel", "device"),
        rows=_span_days(None, len(CHANNELS) * len(DEVICES), "at most one row per day, channel and device"),
        not_null=("browse_users", "cart_users", "order_users", "paid_users", "is_window_complete"),
        non_negative=("browse_users", "cart_users", "order_users", "paid_users", "browse_sessions",
                      "cart_sessions", "order_sessions", "paid_sessions"),
        rates=("browse_to_cart_rate", "cart_to_order_rate", "order_to_paid_rate", "browse_to_paid_rate",
               "session_browse_to_cart_rate", "session_cart_to_order_rate", "session_order_to_paid_rate"),
        span_dates=("funnel_date",),
        sets={"channel": CHANNELS, "device": DEVICES},
        ordered=(("browse_users", "cart_users"), ("order_users", "paid_users"),
                 ("browse_sessions", "cart_sessions"), ("order_sessions", "paid_sessions")),
        calibration=Calibration(rows=_span_days(1, 33, "rows per day: most channels and devices every day")),
    ),
    Suite(
        model="fct_experiment_results", schema="marts",
        key=("experiment_id", "readout_type", "group_name", "metric_name"),
        rows=Rows("select count(distinct experiment_id) from staging.stg_growth__experiments", None,
                  len(EXPERIMENT_READOUTS) * 2 * len(EXPERIMENT_METRICS),
                  "readouts x groups (A, B) x metrics per experiment"),
        not_null=("control_group_name", "is_control", "users", "metric_value", "is_significant"),
        non_negative=("users", "sample_size"),
        rates=("p_value",),
        sets={"readout_type": EXPERIMENT_READOUTS, "metric_name": EXPERIMENT_METRICS},
        ordered=(("ci_upper", "ci_lower"), ("last_assigned_date", "first_assigned_date")),
        calibration=Calibration(
            rows=Rows("select count(distinct experiment_id) from staging.stg_growth__experiments", 6, 24,
                      "groups x metrics x readouts per experiment"),
        ),
    ),
)

CHURN: tuple[Suite, ...] = (
    Suite(
        model="fct_churn_node_episodes", schema="marts", key=("episode_id",),
        not_null=("user_id", "node_code", "node", "entered_at", "entered_date", "deadline_at",
                  "is_deadline_passed", "is_lost"),
        non_negative=("days_to_recover", "recall_messages_received"),
        sets={"node": CHURN_NODES, "node_code": CHURN_NODE_CODES,
              "recovered_by": ("recall_message", "campaign", "organic"), "member_tier_at_entry": TIERS},
        ordered=(("deadline_at", "entered_at"), ("recovered_at", "entered_at")),
        calibration=Calibration(
            rows=Rows("marts.dim_users", 1, 40, "node episodes per registered user"),
            # entries after a delivery (shipments) or a recovery may lie outside the window
            span_dates=("entered_date", "recovered_date"),
        ),
    ),
    Suite(
        model="fct_churn_nodes_daily", schema="marts", key=("node_day_segment_id",),
        not_null=("date_day", "node_code", "segment_dimension", "segment_value", "entered_count", "lost_count",
                  "recovered_count", "at_node_count"),
        non_negative=("entered_count", "lost_count", "recovered_count", "recovered_after_loss_count",
                      "at_node_count", "lost_stock_count"),
        rates=("loss_rate", "never_logged_in_rate", "lost_stock_share"),
        span_dates=("date_day",),
        sets={"node": CHURN_NODES, "node_code": CHURN_NODE_CODES,
              "segment_dimension": ("all", "acquisition_channel", "device", "age_band", "member_tier_at_entry")},
        calibration=Calibration(rows=_span_days(8, 400, "nodes x segments per day")),
    ),
    Suite(
        model="fct_recall_outcomes", schema="marts", key=("recall_outcome_id",),
        not_null=("week_start_date", "recall_step", "message_channel", "messages_sent", "users_reached"),
        non_negative=("messages_sent", "users_reached", "users_clicked", "users_came_back_3d",
                      "users_came_back_7d", "users_paid_7d", "users_paid_30d", "control_users"),
        rates=("came_back_3d_rate", "recall_success_rate", "paid_7d_rate", "paid_30d_rate",
               "control_came_back_3d_rate", "control_came_back_7d_rate", "control_paid_7d_rate",
               "control_paid_30d_rate"),
        between={"uplift_came_back_7d": (-1, 1), "uplift_paid_30d": (-1, 1)},
        sets={"recall_step": RECALL_STEPS, "message_channel": MESSAGE_CHANNELS},
        ordered=(("messages_sent", "users_reached"), ("users_reached", "users_clicked"),
                 ("users_came_back_7d", "users_came_back_3d"), ("users_paid_30d", "users_paid_7d")),
        # weeks of the messages, which do not define the window: calibration only
        calibration=Calibration(rows=_calendar("week", 1, 12, "recall steps x message channels per week")),
    ),
)

MARKETING: tuple[Suite, ...] = (
    Suite(
        model="fct_order_attribution", schema="marts", key=("attribution_id",),
        rows=Rows(f"select {len(ATTRIBUTION_MODELS)} * count(*) from marts.fct_orders "
                  "where is_paid and paid_gmv_cny > 0", 1, None,
                  "every paid order with GMV is credited under each attribution model"),
        not_null=("order_id", "user_id", "attribution_model", "touch_type", "channel", "paid_at", "paid_date",
                  "order_gmv_cny", "credit_share", "credited_gmv_cny"),
        # zero-amount paid orders are valid: GMV >= 0
        non_negative=("order_gmv_cny", "credited_gmv_cny", "days_before_order"),
        rates=("credit_share",),
        span_dates=("paid_date",),
        sets={"attribution_model": ATTRIBUTION_MODELS, "touch_type": ("session", "crm_click", "direct_fallback"),
              "channel": MARKETING_CHANNELS},
        ordered=(("paid_at", "placed_at"), ("placed_at", "touched_at"), ("order_gmv_cny", "credited_gmv_cny"),
                 ("touch_count", "touch_sequence")),
        calibration=Calibration(
            rows=Rows(f"select {len(ATTRIBUTION_MODELS)} * count(*) from marts.fct_orders where is_paid", 1, 10,
                      "at least one row per paid order and model, a few touches each"),
            # CRM clicks come from messages, which do not define the window
            span_dates=("touch_date",),
        ),
    ),
    Suite(
        model="fct_channel_performance_daily", schema="marts", key=("date_day", "channel"),
        not_null=("iso_week_start_date",) + _CREDITED,
        non_negative=_CHANNEL_AMOUNTS + _CREDITED,
        rates=("visit_to_pay_conversion", "repurchase_rate_30d"),
        sets={"channel": MARKETING_CHANNELS},
        ordered=(("unique_visitors", "paying_visitors"),
                 ("new_customers_matured_30d", "repurchased_30d_customers")),
        # dense over the days of spend, sessions and orders: spend may lie
        # outside the window on an export, so the day range is calibration
        calibration=Calibration(
            rows=_span_days(9, 13, "every channel on every day (dense)"),
            span_dates=("date_day",),
        ),
    ),
    Suite(
        model="fct_channel_performance_weekly", schema="marts", key=("iso_week_start_date", "channel"),
        not_null=("iso_week_end_date", "days_in_data", "is_complete_week", "budget_attribution_model",
                  "budget_action") + _CREDITED,
        non_negative=_CHANNEL_AMOUNTS + _CREDITED,
        rates=("visit_to_pay_conversion", "repurchase_rate_30d"),
        between={"days_in_data": (1, 7)},
        sets={"channel": MARKETING_CHANNELS, "budget_action": ("cut_20pct", "raise", "hold"),
              "budget_attribution_model": ATTRIBUTION_MODELS},
        ordered=(("iso_week_end_date", "iso_week_start_date"), ("unique_visitors", "paying_visitors")),
        calibration=Calibration(rows=_calendar("week", 9, 13, "every channel in every ISO week (dense)")),
    ),
    Suite(
        model="fct_campaign_performance", schema="marts", key=("campaign_id",),
        rows=_same("staging.stg_marketing__campaigns"),
        not_null=("campaign_type", "start_date", "end_date", "channel_spend_cny", "coupon_cost_cny",
                  "points_cost_cny", "actual_cost_cny", "participants", "paid_orders", "gmv_cny"),
        non_negative=("budget_cny", "channel_spend_cny", "coupon_cost_cny", "points_redeemed", "points_cost_cny",
                      "actual_cost_cny", "participants", "new_users", "first_orders", "paid_orders", "gmv_cny",
                      "roi", "repurchase_gmv_30d_cny"),
        rates=("d1_retention_rate", "d30_retention_rate"),
        sets={"campaign_type": CAMPAIGN_TYPES},
        ordered=(("end_date", "start_date"), ("paid_orders", "first_orders"),
                 ("d1_cohort_users", "d1_retained_users"), ("d30_cohort_users", "d30_retained_users")),
    ),
)

# --------------------------------------------------------------------------
# Member value (docs/member.md).
# --------------------------------------------------------------------------

RFM_SEGMENTS = ("core", "potential", "new", "at_risk", "sleeping", "lost")
LIFECYCLE_STAGES = ("new", "growth", "mature", "declining")
TIER_GROUPS = ("all", "non_member", "regular", "vip", "member")

MEMBER: tuple[Suite, ...] = (
    Suite(
        model="dim_member_tier_history", schema="marts", key=("tier_period_id",),
        rows=Rows(relative_to="marts.dim_users", min_ratio=1.0, max_ratio=None,
                  why="every user has a first period from registration"),
        not_null=("user_id", "tier_period_number", "tier", "change_type", "valid_from_date", "valid_to_date",
                  "is_current", "net_spend_at_start_cny"),
        sets={"tier": TIERS, "previous_tier": TIERS, "change_type": ("registration", "upgrade", "downgrade")},
        ordered=(("valid_to_date", "valid_from_date"),),
        between={"tier_period_number": (1, None)},
        calibration=Calibration(rows=Rows(relative_to="marts.dim_users", min_ratio=1.0, max_ratio=5.0,
                                          why="one to a few periods per user")),
    ),
    Suite(
        model="fct_member_tier_reconciliation", schema="marts", key=("tier_reconciliation_id",),
        rows=Rows(relative_to="staging.stg_crm__member_tiers", min_ratio=1.0, max_ratio=None,
                  why="every CRM tier change, plus the derived changes the CRM lacks"),
        not_null=("user_id", "from_tier", "to_tier", "reconciliation_status", "is_mismatch"),
        sets={"from_tier": TIERS, "to_tier": TIERS,
              "reconciliation_status": ("matched", "date_differs", "missing_in_crm", "not_derived_from_spend")},
        calibration=Calibration(
            rows=Rows(relative_to="staging.stg_crm__member_tiers", min_ratio=1.0, max_ratio=3.0,
                      why="at most twice as many derived changes as CRM changes"),
            means=(Mean("is_mismatch", 0.0, 0.5, why="most CRM tier changes agree with spend"),),
        ),
    ),
    Suite(
        model="fct_member_points", schema="marts", key=("member_points_day_id",),
        rows=Rows(
            relative_to="select count(distinct cast(user_id as varchar) || '|' || cast(occurred_date as varchar)) "
                        "from staging.stg_crm__points_ledger",
            min_ratio=1.0, max_ratio=1.0, why="one row per user and day with a ledger entry",
        ),
        not_null=("user_id", "points_date", "points_balance", "farmed_points_balance"),
        non_negative=("points_earned", "points_redeemed", "points_expired", "farmed_points_earned",
                      "farmed_points_redeemed", "farmed_points_expired", "cumulative_points_earned",
                      "points_balance", "farmed_points_balance"),
        calibration=Calibration(span_dates=("points_date",)),
    ),
    Suite(
        model="fct_member_points_quarterly", schema="marts", key=("quarter_start_date",),
        not_null=("points_earned", "points_redeemed", "points_expired"),
        non_negative=("points_earned", "points_redeemed", "points_expired", "farmed_points_earned",
                      "redemption_rate"),
        between={"calendar_quarter": (1, 4)},
        calibration=Calibration(
            rows=_calendar("quarter", 1, 1, "one row per calendar quarter of the data"),
            means=(Mean("redemption_rate", 0.45, 0.80,
                        where=(("calendar_quarter", "==", 4), ("is_complete_quarter", "==", True)),
                        why="Q4 points redemption rate (year-end expiry, 双11); the reports quote 63%"),),
        ),
    ),
    Suite(
        model="fct_member_kpis_quarterly", schema="marts", key=("member_kpi_id",),
        rows=_calendar("quarter", None, len(TIER_GROUPS), "at most one row per quarter and tier group"),
        not_null=("quarter_start_date", "tier_group", "buyers", "paid_orders", "aov_cny"),
        # a row exists only for a tier group with buyers; zero-amount orders make AOV >= 0
        positive=("buyers", "paid_orders"),
        non_negative=("aov_cny",),
        rates=("repurchase_rate",),
        sets={"tier_group": TIER_GROUPS},
        calibration=Calibration(
            rows=_calendar("quarter", 1, 5, "one row per quarter and tier group with buyers"),
            means=(
                Mean("repurchase_rate", 0.15, 0.60,
                     where=(("tier_group", "==", "member"), ("is_complete_quarter", "==", True)),
                     why="member repurchase rate; the reports quote 28% -> 33%"),
                Mean("aov_cny", 150.0, 600.0, where=(("tier_group", "==", "vip"),),
                     why="VIP AOV; the reports quote about 286 yuan"),
            ),
        ),
    ),
    Suite(
        model="fct_member_ltv", schema="marts", key=("member_ltv_id",),
        not_null=("user_id", "cohort_month", "month_number", "first_order_tier", "tier_at_month_end",
                  "cumulative_paid_orders", "cumulative_paid_gmv_cny", "cumulative_net_gmv_cny"),
        non_negative=("paid_orders", "paid_gmv_cny", "refunded_cny", "cumulative_paid_orders",
                      "cumulative_paid_gmv_cny"),
        between={"month_number": (0, None), "cumulative_paid_orders": (1, None)},
        sets={"first_order_tier": TIERS, "tier_at_month_end": TIERS, "acquisition_channel": CHANNELS},
        ordered=(("cumulative_paid_gmv_cny", "cumulative_net_gmv_cny"), ("month_start_date", "cohort_month")),
        calibration=Calibration(
            rows=Rows(relative_to="select count(*) from marts.dim_users where first_paid_order_date is not null",
                      min_ratio=0.5, max_ratio=20.0,
                      why="one row per customer and complete month (at most 16 on the sample)"),
        ),
    ),
    Suite(
        model="fct_ltv_curves", schema="marts", key=("ltv_curve_cell_id",),
        not_null=("cohort_month", "segment_type", "segment_value", "month_number", "customers"),
        positive=("customers", "cumulative_paid_orders"),
        # zero-amount orders make AOV >= 0
        non_negative=("aov_cny",),
        rates=("repurchase_rate",),
        sets={"segment_type": ("all", "acquisition_channel", "first_order_tier")},
        calibration=Calibration(rows=_calendar("month", 10, 400, "segments x month numbers per cohort month")),
    ),
    Suite(
        model="fct_customer_rfm", schema="marts", key=("user_id",),
        rows=Rows(
            relative_to="select count(distinct user_id) from marts.fct_orders "
                        "where is_paid and paid_date <= date '{span_end_date}'",
            min_ratio=1.0, max_ratio=1.0, why="one row per customer as of the data's last day",
        ),
        not_null=("recency_days", "frequency", "monetary_cny", "r_score", "f_score", "m_score", "rfm_segment",
                  "lifecycle_stage"),
        non_negative=("recency_days",),
        positive=("frequency",),
        between={"r_score": (1, 5), "f_score": (1, 5), "m_score": (1, 5)},
        sets={"rfm_segment": RFM_SEGMENTS, "lifecycle_stage": LIFECYCLE_STAGES},
        ordered=(("last_paid_date", "first_paid_date"),),
    ),
    Suite(
        model="fct_customer_clv", schema="marts", key=("user_id",),
        rows=_same("marts.fct_customer_rfm"),
        not_null=("repeat_purchase_days", "recency_days", "age_days", "probability_alive",
                  "expected_purchases_90d", "expected_purchases_365d", "expected_purchase_value_cny", "clv_12m_cny"),
        non_negative=("repeat_purchase_days", "recency_days", "expected_purchases_90d", "expected_purchase_value_cny",
                      "clv_12m_cny"),
        rates=("probability_alive",),
        ordered=(("age_days", "recency_days"), ("expected_purchases_365d", "expected_purchases_90d"),
                 ("paid_orders", "purchase_days")),
    ),
    Suite(
        model="fct_clv_parameters", schema="marts", key=("clv_parameter_id",),
        rows=Rows(relative_to="select 14", min_ratio=None, max_ratio=1.0,
                  why="7 parameters (BG/NBD r, alpha, a, b; Gamma-Gamma p, q, gamma) x 2 fit windows"),
        not_null=("fit_window", "model_name", "parameter_name", "parameter_value", "customers_fitted"),
        positive=("parameter_value", "customers_fitted"),
        sets={"fit_window": ("as_of", "calibration"), "model_name": ("bgnbd", "gamma_gamma")},
        calibration=Calibration(rows=Rows(relative_to="select 14", min_ratio=1.0, max_ratio=1.0,
                                          why="both fit windows have enough customers to fit")),
    ),
    Suite(
        model="fct_clv_holdout", schema="marts", key=("frequency_bucket",),
        not_null=("customers", "expected_repeat_purchase_days", "actual_repeat_purchase_days"),
        non_negative=("customers", "expected_repeat_purchase_days", "actual_repeat_purchase_days"),
        calibration=Calibration(rows=Rows("select 1", 2, 20, "a few frequency buckets and the total")),
    ),
)

QUALITY: tuple[Suite, ...] = (
    Suite(
        model="dim_data_window", schema="marts", key=("data_start_date",),
        rows=Rows(relative_to="select 1", min_ratio=1.0, max_ratio=1.0, why="one row: the data window"),
        not_null=("data_end_date", "calendar_start_date", "calendar_end_date", "data_days"),
        positive=("data_days",),
        between={"data_start_date": (SPAN_START, SPAN_START), "data_end_date": (SPAN_END, SPAN_END)},
        ordered=(("data_end_date", "data_start_date"), ("data_start_date", "calendar_start_date"),
                 ("calendar_end_date", "data_end_date")),
    ),
    Suite(
        model="fct_data_quality_reconciliation", schema="marts", key=("entity",),
        rows=Rows(relative_to="select 13", min_ratio=1.0, max_ratio=1.0, why="one row per raw entity"),
        not_null=("source_name", "raw_rows", "staged_rows", "quarantined_rows", "duplicate_rows", "is_reconciled"),
        non_negative=("raw_rows", "staged_rows", "quarantined_rows", "duplicate_rows", "pii_masked_values"),
        sets={"is_reconciled": (True,)},
        ordered=(("raw_rows", "staged_rows"), ("raw_rows", "quarantined_rows"), ("raw_rows", "duplicate_rows")),
    ),
    Suite(
        model="fct_data_quality_quarantine", schema="marts", key=("entity", "rule"),
        rows=Rows(relative_to="staging.stg_quarantine__rows", min_ratio=None, max_ratio=1.0,
                  why="at most one row per quarantined raw row (one per entity and rule)"),
        not_null=("quarantined_rows", "first_loaded_at", "last_loaded_at"),
        positive=("quarantined_rows",),
        ordered=(("last_loaded_at", "first_loaded_at"),),
    ),
)

# Logistics and after-sales marts (models/marts/logistics).
LOGISTICS: tuple[Suite, ...] = (
    Suite(
        model="fct_delivery_performance_daily", schema="marts", key=("shipped_date", "carrier", "city"),
        rows=Rows("select count(*) from marts.fct_orders where shipped_at is not null", None, 1,
                  "at most one row per shipped order (a row needs at least one)"),
        not_null=("orders_shipped", "orders_delivered", "orders_delivered_within_72h", "orders_delivered_late",
                  "orders_overdue_undelivered", "orders_late_against_promise", "orders_promise_judged",
                  "delivered_orders_returned", "orders_with_delivery_hours"),
        positive=("orders_shipped",),
        non_negative=("orders_delivered", "orders_delivered_within_72h", "orders_delivered_late",
                      "orders_overdue_undelivered", "orders_late_against_promise", "orders_promise_judged",
                      "delivered_orders_returned", "orders_with_delivery_hours", "total_hours_paid_to_delivered",
                      "median_hours_paid_to_delivered", "p90_hours_paid_to_delivered"),
        rates=("delivered_within_72h_rate", "late_delivery_rate"),
        sets={"carrier": CARRIERS},
        ordered=(("orders_shipped", "orders_delivered"), ("orders_delivered", "orders_delivered_within_72h"),
                 ("orders_delivered", "orders_delivered_late"), ("orders_shipped", "orders_promise_judged"),
                 ("orders_promise_judged", "orders_late_against_promise"),
                 ("orders_delivered", "delivered_orders_returned"),
                 ("p90_hours_paid_to_delivered", "median_hours_paid_to_delivered")),
        calibration=Calibration(
            means=(Mean("delivered_within_72h_rate", 0.8, 0.95,
                        "the sample's 72-hour share per row is near the reports' 89%"),),
            # shipments do not define the data's window
            span_dates=("shipped_date",),
        ),
    ),
    Suite(
        model="fct_returns_daily", schema="marts", key=("date_day", "carrier"),
        not_null=("delivered_orders", "returned_orders", "returns", "refunded_amount_cny", "returns_late_delivery",
                  "returns_quality", "returns_wrong_size_shade", "returns_not_as_described", "returns_changed_mind",
                  "returns_unknown_reason", "returned_orders_delivered_late"),
        non_negative=("delivered_orders", "returned_orders", "returns", "refunded_amount_cny",
                      "returns_late_delivery", "returns_quality", "returns_wrong_size_shade",
                      "returns_not_as_described", "returns_changed_mind", "returns_unknown_reason",
                      "returned_orders_delivered_late", "return_rate"),
        rates=("late_delivery_share_of_returns",),
        sets={"carrier": CARRIERS + ("not_shipped",)},
        ordered=(("returns", "returned_orders"), ("returned_orders", "returned_orders_delivered_late")),
        calibration=Calibration(
            rows=_span_days(1, 7, "a few carriers deliver on most days"),
            span_dates=("date_day",),
        ),
    ),
    Suite(
        model="fct_after_sales_comparisons", schema="marts", key=("comparison", "metric_name"),
        rows=Rows(relative_to="select 5", min_ratio=1.0, max_ratio=1.0,
                  why="returned vs not (repurchase); notice vs none, all and late parcels (return, repurchase)"),
        not_null=("treated_group", "control_group", "treated_orders", "treated_successes", "control_orders",
                  "control_successes", "is_significant"),
        non_negative=("treated_orders", "treated_successes", "control_orders", "control_successes", "p_value"),
        rates=("treated_rate", "control_rate", "p_value"),
        between={"absolute_difference": (-1, 1)},
        sets={"comparison": ("returned_vs_not_returned", "logistics_notice_vs_none",
                             "logistics_notice_vs_none_late_parcels"),
              "metric_name": ("repurchase_30d_rate", "return_rate"),
              "treated_group": ("returned", "notice_received"), "control_group": ("not_returned", "no_notice")},
        ordered=(("treated_orders", "treated_successes"), ("control_orders", "control_successes"),
                 ("ci_upper", "ci_lower")),
    ),
)

# Coupon marts (models/marts/marketing/fct_coupon_*).
COUPONS: tuple[Suite, ...] = (
    Suite(
        model="fct_coupon_performance", schema="marts", key=("coupon_performance_id",),
        rows=Rows("select count(*) from (select distinct campaign_id, threshold_amount_cny, discount_value_cny "
                  "from staging.stg_marketing__coupons) as templates", 1, 1,
                  "one row per campaign (or none) and coupon template of the clean coupons"),
        not_null=("threshold_amount_cny", "discount_value_cny", "template_name", "first_issued_date",
                  "last_issued_date", "coupons_issued", "coupons_redeemed", "coupons_used_on_unpaid_orders",
                  "coupons_unmatched_redemption", "coupons_expired", "coupons_unused",
                  "coupons_redeemed_after_expiry", "coupons_redeemed_within_7d", "redeemed_face_value_cny",
                  "coupon_cost_cny", "paid_orders", "redeemed_order_gmv_cny"),
        # zero-amount orders are valid: GMV >= 0; a no-threshold coupon has threshold 0
        non_negative=("threshold_amount_cny", "coupons_redeemed", "coupons_used_on_unpaid_orders",
                      "coupons_unmatched_redemption", "coupons_expired", "coupons_unused",
                      "coupons_redeemed_after_expiry", "mean_days_to_redeem", "median_days_to_redeem",
                      "max_days_to_redeem", "coupons_redeemed_within_7d", "redeemed_face_value_cny",
                      "coupon_cost_cny", "paid_orders", "redeemed_order_gmv_cny", "gmv_per_coupon_cost",
                      "discount_depth", "campaign_users_offered", "campaign_offered_users_claimed"),
        positive=("discount_value_cny", "coupons_issued"),
        rates=("redemption_rate", "campaign_claim_rate"),
        sets={"campaign_type": CAMPAIGN_TYPES},
        ordered=(("last_issued_date", "first_issued_date"), ("coupons_issued", "coupons_redeemed"),
                 ("coupons_redeemed", "coupons_redeemed_after_expiry"),
                 ("coupons_redeemed", "coupons_redeemed_within_7d"),
                 ("max_days_to_redeem", "median_days_to_redeem"), ("max_days_to_redeem", "mean_days_to_redeem"),
                 ("paid_orders", "coupons_redeemed"),
                 ("campaign_users_offered", "campaign_offered_users_claimed")),
        calibration=Calibration(
            means=(Mean("redemption_rate", 0.05, 0.30,
                        "sample: 1.5% (recall 无门槛减10) to 38% (新人福利周 满99减20) per row, about 14% on average"),),
            # coupons are issued by campaigns and tests, which do not define the window
            span_dates=("first_issued_date", "last_issued_date"),
        ),
    ),
)

EXPERIMENTS: tuple[Suite, ...] = (
    # experiment rigour (issue 14, item 5): the SRM check and CUPED
    Suite(
        model="fct_experiment_checks", schema="marts", key=("experiment_id", "readout_type"),
        rows=Rows("select count(distinct experiment_id) from staging.stg_growth__experiments", None,
                  len(EXPERIMENT_READOUTS), "one row per readout per experiment"),
        not_null=("design_groups", "observed_groups", "total_users", "undesigned_users", "observed_users_by_group",
                  "expected_users_by_group", "srm_p_value_threshold", "is_sample_ratio_mismatch"),
        non_negative=("total_users", "undesigned_users", "chi_square_statistic", "max_relative_deviation"),
        positive=("design_groups", "degrees_of_freedom"),
        rates=("p_value", "srm_p_value_threshold"),
        sets={"readout_type": EXPERIMENT_READOUTS},
        calibration=Calibration(
            rows=Rows("select count(distinct experiment_id) from staging.stg_growth__experiments", 2, 2,
                      "sample: ab_test and aa_check of each experiment"),
            # sample: 3 experiments x 2 readouts; only the broken split's ab_test is flagged
            # (coupon_push_2025q2 572 / 571, p = 0.98; docs/sample_data.md)
            means=(Mean("is_sample_ratio_mismatch", 0.16, 0.17,
                        "sample: 1 of 6 readouts, the broken split search_ranking_2025q4"),),
        ),
    ),
    Suite(
        model="fct_experiment_cuped", schema="marts",
        key=("experiment_id", "readout_type", "group_name", "metric_name"),
        rows=Rows("select count(distinct experiment_id) from staging.stg_growth__experiments", None,
                  len(EXPERIMENT_READOUTS) * 2 * (len(EXPERIMENT_METRICS) - 1),
                  "readouts x groups (A, B) x per-user metrics (all but AOV) per experiment"),
        not_null=("control_group_name", "is_control", "covariate_name", "sample_size", "theta", "metric_value",
                  "cuped_metric_value", "is_cuped_significant"),
        positive=("sample_size",),
        non_negative=("raw_standard_error", "cuped_standard_error", "cuped_degrees_of_freedom"),
        rates=("cuped_p_value",),
        sets={"readout_type": EXPERIMENT_READOUTS,
              "metric_name": tuple(metric for metric in EXPERIMENT_METRICS if metric != "aov_cny"),
              "covariate_name": ("pre_active_days", "pre_paid_gmv_cny")},
        ordered=(("raw_ci_upper", "raw_ci_lower"), ("cuped_ci_upper", "cuped_ci_lower")),
        between={"variance_reduction": (None, 1.0)},
        calibration=Calibration(
            rows=Rows("select count(distinct experiment_id) from staging.stg_growth__experiments", 20, 20,
                      "sample: 2 readouts x 2 groups x 5 per-user metrics"),
        ),
    ),
    Suite(
        model="fct_experiment_guardrails", schema="marts",
        key=("experiment_id", "readout_type", "group_name", "guardrail_name"),
        rows=Rows("select count(distinct experiment_id) from staging.stg_growth__experiments", None,
                  len(EXPERIMENT_READOUTS) * 2, "readouts x groups (A, B) x guardrails (1) per experiment"),
        not_null=("control_group_name", "is_control", "sample_size", "metric_value", "is_guardrail_breached"),
        positive=("sample_size",),
        rates=("metric_value", "control_metric_value", "p_value"),
        sets={"readout_type": EXPERIMENT_READOUTS, "guardrail_name": ("order_return_rate",)},
        ordered=(("ci_upper", "ci_lower"),),
        calibration=Calibration(
            rows=Rows("select count(distinct experiment_id) from staging.stg_growth__experiments", 4, 4,
                      "sample: 2 readouts x 2 groups x 1 guardrail"),
            means=(Mean("metric_value", 0.02, 0.15, "sample: 4.3% to 7.4% of window orders returned"),),
        ),
    ),
)

# User value levels 用户价值分层 (models/marts/value, docs/value_levels.md).
VALUE_LEVELS = ("S", "A", "B", "C", "D")
VALUE_STATES = VALUE_LEVELS + ("inactive",)
_VALUE_MONTHS = ("select count(distinct month_start_date) from marts.dim_date "
                 "where date_day between date '{span_start_date}' and date '{span_end_date}'")
_VALUE_MONTHS_AFTER_FIRST = _VALUE_MONTHS.replace("count(distinct month_start_date)",
                                                  "count(distinct month_start_date) - 1")

VALUE: tuple[Suite, ...] = (
    Suite(
        model="fct_user_value_levels_monthly", schema="marts", key=("user_id", "month_start_date"),
        rows=Rows("select count(*) * (datediff('month', date '{span_start_date}', date '{span_end_date}') + 1) "
                  "from marts.dim_users", None, 1, "at most one row per user and month of the data"),
        not_null=("value_level", "value_level_rank", "is_first_active_month", "is_complete_month", "active_days",
                  "paid_orders", "paid_gmv_cny", "interactions"),
        # zero-amount orders are purchases: AOV >= 0
        non_negative=("paid_orders", "paid_gmv_cny", "aov_cny", "interactions"),
        positive=("active_days",),
        between={"value_level_rank": (1, 5), "active_days": (1, 31)},
        sets={"value_level": VALUE_LEVELS, "previous_value_level": VALUE_STATES,
              "next_value_level": VALUE_STATES},
        calibration=Calibration(
            rows=Rows("marts.dim_users", 1.0, 10.0, "sample: about 3.4 active months per registered user"),
            means=(Mean("paid_orders", 0.1, 1.0, "sample: 0.41 paid orders per active user-month"),),
        ),
    ),
    Suite(
        model="fct_value_levels_monthly", schema="marts", key=("month_start_date", "value_level"),
        rows=Rows(_VALUE_MONTHS, None, len(VALUE_LEVELS), "at most one row per month of the data and level"),
        not_null=("value_level_rank", "is_complete_month", "users", "month_active_users", "paying_users",
                  "month_paying_users", "paid_orders", "paid_gmv_cny", "month_paid_orders", "month_paid_gmv_cny",
                  "rest_paid_orders", "rest_paid_gmv_cny", "interactions"),
        non_negative=("users", "month_active_users", "paying_users", "month_paying_users", "paid_orders",
                      "paid_gmv_cny", "month_paid_orders", "month_paid_gmv_cny", "aov_cny", "rest_paid_orders",
                      "rest_paid_gmv_cny", "rest_aov_cny", "interactions"),
        rates=("user_share", "paying_user_share", "gmv_share"),
        between={"value_level_rank": (1, 5)},
        sets={"value_level": VALUE_LEVELS},
        ordered=(("month_active_users", "users"), ("users", "paying_users"), ("paid_orders", "paying_users"),
                 ("month_paying_users", "paying_users"), ("month_active_users", "month_paying_users"),
                 ("month_paid_orders", "paid_orders"), ("month_paid_gmv_cny", "paid_gmv_cny")),
        calibration=Calibration(
            rows=Rows(_VALUE_MONTHS, len(VALUE_LEVELS), len(VALUE_LEVELS),
                      "every level of every month of the data, zero counts included"),
            means=(
                Mean("user_share", 0.005, 0.10, where=(("value_level", "==", "S"),),
                     why="S-level share of a month's active users: sample 0.4% to 2.9%, the reports 4.8%"),
                Mean("gmv_share", 0.03, 0.60, where=(("value_level", "==", "S"),),
                     why="S-level share of a month's GMV: sample 3.9% to 19.4%, the reports 42%"),
            ),
        ),
    ),
    Suite(
        model="fct_value_level_transitions", schema="marts", key=("month_start_date", "from_level", "to_level"),
        rows=Rows(_VALUE_MONTHS, None, len(VALUE_STATES) ** 2 - 1,
                  "at most one row per month and pair of states (not inactive -> inactive)"),
        not_null=("from_month_start_date", "from_level_rank", "to_level_rank", "transition_type",
                  "is_complete_month", "is_from_month_complete", "users", "from_level_users", "first_active_users"),
        non_negative=("users", "from_level_users", "first_active_users"),
        rates=("share_of_from_level",),
        between={"from_level_rank": (1, len(VALUE_STATES)), "to_level_rank": (1, len(VALUE_STATES))},
        sets={"from_level": VALUE_STATES, "to_level": VALUE_STATES,
              "transition_type": ("activated", "lapsed", "upgraded", "downgraded", "retained")},
        ordered=(("from_level_users", "users"), ("users", "first_active_users"),
                 ("month_start_date", "from_month_start_date")),
        calibration=Calibration(
            rows=Rows(_VALUE_MONTHS_AFTER_FIRST, len(VALUE_STATES) ** 2 - 1, len(VALUE_STATES) ** 2 - 1,
                      "35 state pairs for every month of the data after the first"),
        ),
    ),
)

# CRM profile and audiences (models/marts/crm; issue 14 item 4). The audience
# names, rules and channels are the defaults of var crm_audiences.
CRM_AUDIENCES = ("recall_step_1_candidates", "recall_step_2_candidates", "recall_step_3_candidates",
                 "vip_at_risk", "festival_due_to_return")
CRM_AUDIENCE_RULES = ("recall_step", "vip_at_risk", "festival_due_to_return")
CRM_ACTION_CHANNELS = ("sms", "push", "wecom")
CRM: tuple[Suite, ...] = (
    Suite(
        model="dim_user_profile", schema="marts", key=("user_id",),
        rows=_same("marts.dim_users"),
        not_null=("as_of_date", "registered_date", "acquisition_channel", "member_tier", "is_reachable_sms",
                  "is_reachable_push", "is_reachable_wecom", "marketing_sms_sent_on_as_of_date", "marketing_sms_cap",
                  "is_at_marketing_sms_cap"),
        non_negative=("days_in_churn_node", "clv_12m_cny", "marketing_sms_sent_on_as_of_date"),
        positive=("marketing_sms_cap",),
        rates=("probability_alive",),
        span_dates=("as_of_date", "registered_date"),
        sets={"member_tier": TIERS, "lifecycle_stage": ("new", "growth", "mature", "declining"),
              "rfm_segment": ("core", "potential", "new", "at_risk", "sleeping", "lost"),
              "value_level": VALUE_LEVELS, "churn_node_code": CHURN_NODE_CODES,
              "preferred_category": tuple(value for value in CATEGORIES if value != UNKNOWN),
              "acquisition_channel": CHANNELS},
        ordered=(("as_of_date", "registered_date"), ("as_of_date", "churn_node_reached_date"),
                 ("as_of_date", "value_level_month_start_date")),
        calibration=Calibration(
            means=(Mean("is_reachable_sms", 0.9, 1.0, "the sample records a phone number for every user"),
                   Mean("is_reachable_push", 0.4, 0.8, "sample: 63% registered on or used the app")),
            # deadlines after entries that may lie outside the window (deliveries)
            span_dates=("churn_node_reached_date", "last_paid_date"),
        ),
    ),
    Suite(
        model="fct_crm_audience_members", schema="marts", key=("date_day", "audience_name", "user_id"),
        not_null=("action_channel", "match_detail"),
        span_dates=("date_day",),
        sets={"audience_name": CRM_AUDIENCES, "action_channel": CRM_ACTION_CHANNELS},
        calibration=Calibration(rows=_span_days(1, 20, "sample: about 4 members a day over the five audiences")),
    ),
    Suite(
        model="fct_crm_audiences_daily", schema="marts", key=("date_day", "audience_name"),
        rows=_span_days(None, len(CRM_AUDIENCES), "at most one row per day and audience"),
        not_null=("audience_rule", "action_channel", "eligible_users", "members_excluded_unreachable",
                  "members_excluded_sms_cap", "member_count"),
        non_negative=("eligible_users", "members_excluded_unreachable", "members_excluded_sms_cap", "member_count"),
        span_dates=("date_day",),
        sets={"audience_name": CRM_AUDIENCES, "audience_rule": CRM_AUDIENCE_RULES,
              "action_channel": CRM_ACTION_CHANNELS},
        ordered=(("eligible_users", "member_count"), ("eligible_users", "members_excluded_unreachable"),
                 ("eligible_users", "members_excluded_sms_cap")),
        calibration=Calibration(
            rows=_span_days(len(CRM_AUDIENCES), len(CRM_AUDIENCES), "zero-filled: every day x the five audiences"),
        ),
    ),
)

MARTS: tuple[Suite, ...] = (
    CORE + RETENTION + CHURN + MARKETING + MEMBER + QUALITY + LOGISTICS + COUPONS + EXPERIMENTS + VALUE
    + CRM
)
SUITES: tuple[Suite, ...] = STAGING + MARTS


def suite_by_model() -> dict[str, Suite]:
    """The suites keyed by model name."""
    return {suite.model: suite for suite in SUITES}
