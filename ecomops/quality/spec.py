"""The Great Expectations suites of the warehouse, as a compact spec.

One ``Suite`` per staging model and per public mart. Each field of a suite is
one family of rules; ``expectations()`` turns a suite into Great Expectations
expectation objects, each with a one-line ``description`` that the validate
command prints when it fails. ``python -m ecomops.quality.gx_project`` writes
these suites into the file project under ``gx/``; edit this file, not the JSON.

Values that depend on the data are suite parameters filled in at run time by
``ecomops.quality.warehouse`` (never hard-coded here):

- ``<model>__min_rows`` / ``<model>__max_rows``: row-count bounds, a ratio of
  the row count of another relation (``Rows.relative_to``: usually the raw
  input as seen by the ``base_`` model, or the upstream staging model);
- ``span_start_date`` / ``span_end_date``: the data's first and last
  Asia/Shanghai day (dbt vars ``data_start_date`` / ``data_end_date``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import great_expectations.expectations as gxe

SPAN_START = {"$PARAMETER": "span_start_date"}
SPAN_END = {"$PARAMETER": "span_end_date"}

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
DEVICES = ("app", "mini_program", "web")
TIERS = ("non_member", "regular", "vip")
AGE_BANDS = ("under_18", "18_24", "25_34", "35_44", "45_plus", "unknown")
ORDER_STATUSES = ("created", "paid", "shipped", "delivered", "completed", "cancelled", "refunded")
CATEGORIES = ("gift_box", "beauty", "home", "snacks")
EVENT_TYPES = ("login", "page_view", "search", "add_to_cart")
MESSAGE_CHANNELS = ("sms", "push", "wecom", "phone")
CAMPAIGN_TYPES = ("新人福利周", "会员积分赛", "限时折扣夜", "会员日", "周末闪购", "推荐有礼")
SHA256_HEX = r"^[0-9a-f]{64}$"


@dataclass(frozen=True)
class Rows:
    """Row-count bounds: ``min_ratio`` .. ``max_ratio`` times the row count of
    ``relative_to`` (a ``schema.table`` name, or a SQL query returning one
    number; ``{span_start_date}`` / ``{span_end_date}`` are filled in)."""

    relative_to: str
    min_ratio: float
    max_ratio: float
    why: str


@dataclass(frozen=True)
class Mean:
    """The mean of a column (a share for booleans) within a band."""

    column: str
    min_value: float
    max_value: float
    why: str
    row_condition: str | None = None


@dataclass(frozen=True)
class Suite:
    """The rules of one table. Field names say which family of rules."""

    model: str
    schema: str
    key: tuple[str, ...]
    rows: Rows | None = None
    not_null: tuple[str, ...] = ()
    non_negative: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    rates: tuple[str, ...] = ()
    span_dates: tuple[str, ...] = ()
    sets: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # (later, earlier): later >= earlier where both are present
    ordered: tuple[tuple[str, str], ...] = ()
    regex: dict[str, str] = field(default_factory=dict)
    means: tuple[Mean, ...] = ()
    between: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.model}"

    def expectations(self) -> list["gxe.Expectation"]:
        """The Great Expectations expectations of this suite, in a stable order."""
        import great_expectations.expectations as gxe  # slow import: only when suites are built

        out: list[gxe.Expectation] = []
        if self.rows is not None:
            out.append(
                gxe.ExpectTableRowCountToBeBetween(
                    min_value={"$PARAMETER": f"{self.model}__min_rows"},
                    max_value={"$PARAMETER": f"{self.model}__max_rows"},
                    description=(
                        f"row count within {self.rows.min_ratio:g}-{self.rows.max_ratio:g} x "
                        f"rows of {_short(self.rows.relative_to)} ({self.rows.why})"
                    ),
                )
            )
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
        for column, (low, high) in self.between.items():
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=column, min_value=low, max_value=high,
                    description=f"{column} within [{_bound(low)}, {_bound(high)}]",
                )
            )
        for column in self.span_dates:
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=column, min_value=SPAN_START, max_value=SPAN_END,
                    description=f"{column} inside the data's span (data_start_date .. data_end_date)",
                )
            )
        for column, values in self.sets.items():
            out.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=column, value_set=list(values),
                    description=f"{column} in the allowed set",
                )
            )
        for later, earlier in self.ordered:
            out.append(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=later, column_B=earlier, or_equal=True,
                    ignore_row_if="either_value_is_missing",
                    description=f"{later} >= {earlier} where both are present",
                )
            )
        for column, pattern in self.regex.items():
            out.append(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=column, regex=pattern, description=f"{column} matches {pattern}"
                )
            )
        for mean in self.means:
            kwargs: dict[str, Any] = {}
            if mean.row_condition:
                kwargs = {"row_condition": mean.row_condition, "condition_parser": "pandas"}
            out.append(
                gxe.ExpectColumnMeanToBeBetween(
                    column=mean.column, min_value=mean.min_value, max_value=mean.max_value,
                    description=f"mean of {mean.column}"
                    + (f" where {mean.row_condition}" if mean.row_condition else "")
                    + f" within [{mean.min_value:g}, {mean.max_value:g}] ({mean.why})",
                    **kwargs,
                )
            )
        return out


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _short(relation: str) -> str:
    return relation if not relation.lstrip().lower().startswith("select") else "a query"


def _bound(value: float | None) -> str:
    return "-inf" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _base(relation: str) -> Rows:
    """Staged rows vs all raw rows of the entity (the base_ model): staging
    keeps at most every raw row and loses no more than the quarantine and
    duplicate shares the sample is built with."""
    return Rows(relative_to=relation, min_ratio=0.75, max_ratio=1.0,
                why="raw input less quarantined rows and removed duplicates")


def _same(relation: str) -> Rows:
    return Rows(relative_to=relation, min_ratio=1.0, max_ratio=1.0, why="one row per upstream row")


# --------------------------------------------------------------------------
# Staging: one suite per stg_ model (the clean, deduplicated rows).
# --------------------------------------------------------------------------

STAGING: tuple[Suite, ...] = (
    Suite(
        model="stg_shop__users", schema="staging", key=("user_id",),
        rows=_base("staging.base_shop__users"),
        not_null=("registered_at", "registered_date", "gender", "device", "acquisition_channel", "loaded_at"),
        span_dates=("registered_date",),
        sets={"gender": ("F", "M", "U"), "device": DEVICES, "acquisition_channel": CHANNELS},
        between={"birth_year": (1920, 2026)},
        regex={"phone_hash": SHA256_HEX},
    ),
    Suite(
        model="stg_shop__orders", schema="staging", key=("order_id",),
        rows=_base("staging.base_shop__orders"),
        not_null=("user_id", "placed_at", "placed_date", "order_status", "is_paid", "order_amount_cny",
                  "order_channel", "loaded_at"),
        non_negative=("list_amount_cny", "discount_amount_cny", "coupon_amount_cny", "shipping_fee_cny"),
        positive=("order_amount_cny",),
        span_dates=("placed_date", "paid_date", "cancelled_date"),
        sets={"order_status": ORDER_STATUSES, "order_channel": CHANNELS},
        ordered=(("paid_at", "placed_at"), ("cancelled_at", "placed_at")),
    ),
    Suite(
        model="stg_shop__order_items", schema="staging", key=("order_item_id",),
        rows=_base("staging.base_shop__order_items"),
        not_null=("order_id", "product_id", "category", "quantity", "unit_price_cny", "line_amount_cny", "loaded_at"),
        non_negative=("unit_price_cny", "unit_cost_cny", "line_amount_cny"),
        positive=("quantity",),
        sets={"category": CATEGORIES},
    ),
    Suite(
        model="stg_tracking__events", schema="staging", key=("event_id",),
        rows=_base("staging.base_tracking__events"),
        not_null=("user_id", "event_type", "channel", "event_at", "event_date", "loaded_at"),
        span_dates=("event_date",),
        sets={"event_type": EVENT_TYPES, "channel": CHANNELS, "platform": DEVICES},
    ),
    Suite(
        model="stg_logistics__shipments", schema="staging", key=("shipment_id",),
        rows=_base("staging.base_logistics__shipments"),
        not_null=("order_id", "carrier", "shipped_at", "shipped_date", "loaded_at"),
        span_dates=("shipped_date", "delivered_date"),
        ordered=(("delivered_at", "shipped_at"), ("promised_delivery_at", "shipped_at")),
    ),
    Suite(
        model="stg_logistics__returns", schema="staging", key=("return_id",),
        rows=_base("staging.base_logistics__returns"),
        not_null=("order_id", "requested_at", "requested_date", "return_reason", "refund_amount_cny", "loaded_at"),
        non_negative=("refund_amount_cny",),
        span_dates=("requested_date",),
    ),
    Suite(
        model="stg_marketing__campaigns", schema="staging", key=("campaign_id",),
        rows=_base("staging.base_marketing__campaigns"),
        not_null=("campaign_name", "campaign_type", "start_date", "end_date", "loaded_at"),
        non_negative=("budget_cny",),
        sets={"campaign_type": CAMPAIGN_TYPES},
        ordered=(("end_date", "start_date"),),
    ),
    Suite(
        model="stg_marketing__channel_spend", schema="staging", key=("channel_spend_id",),
        rows=_base("staging.base_marketing__channel_spend"),
        not_null=("spend_date", "channel", "spend_cny", "loaded_at"),
        non_negative=("spend_cny", "impressions"),
        span_dates=("spend_date",),
        sets={"channel": CHANNELS},
    ),
    Suite(
        model="stg_marketing__coupons", schema="staging", key=("coupon_id",),
        rows=_base("staging.base_marketing__coupons"),
        not_null=("user_id", "threshold_amount_cny", "discount_value_cny", "issued_at", "issued_date",
                  "is_redeemed", "loaded_at"),
        non_negative=("threshold_amount_cny",),
        positive=("discount_value_cny",),
        span_dates=("issued_date", "redeemed_date"),
        ordered=(("redeemed_at", "issued_at"), ("expires_at", "issued_at")),
    ),
    Suite(
        model="stg_crm__points_ledger", schema="staging", key=("entry_id",),
        rows=_base("staging.base_crm__points_ledger"),
        not_null=("user_id", "entry_type", "points", "points_delta", "occurred_at", "occurred_date",
                  "is_farming_suspected", "loaded_at"),
        positive=("points",),
        span_dates=("occurred_date",),
        sets={"entry_type": ("earn", "redeem", "expire")},
    ),
    Suite(
        model="stg_crm__member_tiers", schema="staging", key=("tier_change_id",),
        rows=_base("staging.base_crm__member_tiers"),
        not_null=("user_id", "to_tier", "changed_at", "changed_date", "loaded_at"),
        span_dates=("changed_date",),
        sets={"from_tier": TIERS, "to_tier": TIERS},
    ),
    Suite(
        model="stg_crm__messages", schema="staging", key=("message_id",),
        rows=_base("staging.base_crm__messages"),
        not_null=("user_id", "message_channel", "purpose", "is_marketing", "sent_at", "sent_date",
                  "is_clicked", "loaded_at"),
        span_dates=("sent_date",),
        sets={"message_channel": MESSAGE_CHANNELS, "recall_step": (1, 2, 3)},
        ordered=(("clicked_at", "sent_at"),),
    ),
    Suite(
        model="stg_growth__experiments", schema="staging", key=("assignment_id",),
        rows=_base("staging.base_growth__experiments"),
        not_null=("experiment_id", "user_id", "group_name", "assigned_at", "assigned_date", "loaded_at"),
        span_dates=("assigned_date",),
        sets={"group_name": ("A", "B")},
    ),
    Suite(
        model="stg_quarantine__rows", schema="staging", key=("quarantine_id",),
        not_null=("entity", "natural_key", "rule", "raw_row"),
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
        sets={"age_band": AGE_BANDS, "gender": ("F", "M", "U"), "device": DEVICES,
              "acquisition_channel": CHANNELS},
        ordered=(("first_paid_order_at", "registered_at"),),
        regex={"phone_hash": SHA256_HEX, "full_name_hash": SHA256_HEX},
    ),
    Suite(
        model="dim_date", schema="marts", key=("date_day",),
        rows=Rows(
            relative_to="select datediff('day', date '{span_start_date}', date '{span_end_date}') + 1",
            min_ratio=1.0, max_ratio=2.0,
            why="at least every day of the data's span",
        ),
        not_null=("year", "quarter", "month", "month_start_date", "iso_year", "iso_week",
                  "iso_week_start_date", "day_of_week", "is_weekend"),
        between={"day_of_week": (1, 7), "month": (1, 12), "quarter": (1, 4), "iso_week": (1, 53)},
        ordered=(("date_day", "iso_week_start_date"), ("date_day", "month_start_date")),
    ),
    Suite(
        model="fct_orders", schema="marts", key=("order_id",),
        rows=_same("staging.stg_shop__orders"),
        not_null=("user_id", "placed_at", "placed_date", "order_status", "is_paid", "order_channel",
                  "order_amount_cny", "paid_gmv_cny", "refunded_amount_cny", "net_gmv_cny", "item_count",
                  "is_returned", "is_first_paid_order"),
        non_negative=("list_amount_cny", "discount_amount_cny", "coupon_amount_cny", "shipping_fee_cny",
                      "paid_gmv_cny", "refunded_amount_cny", "item_count"),
        positive=("order_amount_cny",),
        span_dates=("placed_date", "paid_date", "cancelled_date", "delivered_date"),
        sets={"order_status": ORDER_STATUSES, "order_channel": CHANNELS},
        ordered=(("paid_at", "placed_at"), ("cancelled_at", "placed_at"), ("shipped_at", "placed_at"),
                 ("delivered_at", "shipped_at"), ("paid_gmv_cny", "refunded_amount_cny")),
        between={"paid_order_sequence": (1, None)},
        means=(
            Mean("is_paid", 0.80, 0.95, why="share of orders paid; the reports' order->pay step is 88%"),
            Mean("paid_gmv_cny", 150.0, 350.0, row_condition="is_paid == True",
                 why="AOV; the reports quote 210 -> 260 yuan"),
        ),
    ),
)

SUITES: tuple[Suite, ...] = STAGING + CORE


def suite_by_model() -> dict[str, Suite]:
    """The suites keyed by model name."""
    return {suite.model: suite for suite in SUITES}
