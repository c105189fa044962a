"""The generator pipeline: draw every entity, inject defects, write the files."""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from . import defects as dfx
from .activity import base_activity, pairs_key, sorted_unique
from .behaviour import EVENT_TYPES, PAGES, PLATFORMS, build_events, build_sessions
from .calendar import build_calendar
from .channels import CASE_VARIANT_CODE, PAID_CHANNELS, RAW_CODE_LIST
from .contract import load_contract
from .crm import ENTRY_TYPES, MESSAGE_CHANNELS, PURPOSES, REASONS, TIERS, build_messages, build_points, build_tiers
from .defects import DEFECT_RATES, loaded_after
from .experiments import EXPERIMENT_ID, SIDE_EXPERIMENTS, assign, assign_side, override_activity
from .frame import Cat, Frame
from .interactions import build_interactions
from .logistics import CARRIERS, ORDER_STATUSES, RETURN_REASONS, build_returns, build_shipments, order_status
from .marketing import SpendInputs, issue_coupons, redeem_coupons, spend_from_inputs, spend_inputs
from .orders import CATEGORIES, FRAUD, build_items, build_orders
from .purchases import generate_purchases
from .recall import simulate_recall
from .timeutil import DAY, HOUR, NULL, rng_for
from .users import CITIES, DEVICES, GENDERS, device_variant, generate_users
from .writer import Writer


@dataclass
class Progress:
    """Per-step progress on stderr: step, rows, seconds."""

    quiet: bool = False
    started: float = field(default_factory=time.perf_counter)
    last: float = field(default_factory=time.perf_counter)

    def step(self, name: str, rows: int | None = None) -> None:
        now = time.perf_counter()
        if not self.quiet:
            count = f"{rows:>12,} rows" if rows is not None else " " * 17
            print(f"  {name:<28}{count}  {now - self.last:7.2f} s", file=sys.stderr, flush=True)
        self.last = now

    def done(self) -> float:
        return time.perf_counter() - self.started


def _ids(index: np.ndarray) -> np.ndarray:
    """Internal index (-1 = none) -> 1-based id (NULL = none)."""
    index = np.asarray(index, dtype=np.int64)
    return np.where(index >= 0, index + 1, NULL)


# Users are simulated in blocks of at most this scale (about 750,000 users and
# 1.25 million orders, ~6 GB of memory), so memory stays bounded at any scale.
BLOCK_SCALE = 250.0

# The id columns of each entity and the id space each belongs to. Blocks after
# the first shift every id of a space past the largest the earlier blocks used
# (orphan references included), so ids stay unique and references stay right.
ID_COLUMNS: dict[str, dict[str, str]] = {
    "users": {"user_id": "user", "referrer_user_id": "user"},
    "events": {"event_id": "event", "user_id": "user", "session_id": "session"},
    "orders": {"order_id": "order", "user_id": "user", "coupon_id": "coupon"},
    "order_items": {"order_item_id": "order_item", "order_id": "order"},
    "shipments": {"shipment_id": "shipment", "order_id": "order"},
    "returns": {"return_id": "return", "order_id": "order"},
    "coupons": {"coupon_id": "coupon", "user_id": "user", "redeemed_order_id": "order"},
    "points_ledger": {"entry_id": "entry", "user_id": "user", "order_id": "order"},
    "member_tiers": {"tier_change_id": "tier_change", "user_id": "user"},
    "messages": {"message_id": "message", "user_id": "user"},
    "experiments": {"assignment_id": "assignment", "user_id": "user"},
}


def generate(out_dir: Path, fmt: str = "csv", scale: float = 1.0, seed: int = 42,
             quiet: bool = False, block_scale: float = BLOCK_SCALE) -> dict[str, int]:
    """Generate all 13 raw entities into ``out_dir``; returns rows written per entity.

    Up to ``block_scale`` the users are simulated as one population. Above it
    they are simulated in equal blocks (seed, then seeds derived from it), each
    written out before the next starts, with ids shifted to stay unique;
    channel spend is sized once on the GMV of all blocks. The output is
    byte-deterministic for a seed, scale and block scale.
    """
    if scale <= 0:
        raise ValueError("--scale must be positive")
    if block_scale <= 0:
        raise ValueError("--block-scale must be positive")
    # numpy asks Linux for transparent huge pages on big arrays; on these machines the
    # synchronous compaction that triggers costs more than it saves (measured: -45% system time).
    hugepage = _set_hugepage(False)
    try:
        return _generate(out_dir, fmt, scale, seed, quiet, block_scale)
    finally:
        if hugepage is not None:
            _set_hugepage(hugepage)


def _set_hugepage(enabled: bool) -> bool | None:
    """Switch numpy's huge-page advice; returns the previous setting (None if unsupported)."""
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy < 2
        from numpy.core import multiarray  # type: ignore[no-redef]
    setter = getattr(multiarray, "_set_madvise_hugepage", None)
    return None if setter is None else bool(setter(enabled))


def block_seed(seed: int, block: int) -> int:
    """The seed of block ``block`` (block 0 keeps the seed itself)."""
    if block == 0:
        return seed
    return int(np.random.SeedSequence([int(seed), block]).generate_state(1, dtype=np.uint32)[0])


def _generate(out_dir: Path, fmt: str, scale: float, seed: int, quiet: bool, block_scale: float) -> dict[str, int]:
    contract = load_contract()
    progress = Progress(quiet=quiet)
    n_blocks = max(1, math.ceil(scale / block_scale - 1e-9))
    if not quiet:
        blocks = f" in {n_blocks} blocks of scale {scale / n_blocks:g}" if n_blocks > 1 else ""
        print(f"ecomops generate: seed={seed} scale={scale}{blocks} format={fmt} -> {out_dir}", file=sys.stderr)
    calendar = build_calendar()
    written: dict[str, int] = {}
    offsets = {space: 0 for columns in ID_COLUMNS.values() for space in columns.values()}
    inputs: SpendInputs | None = None
    output = Writer(Path(out_dir), fmt)
    try:
        for block in range(n_blocks):
            if n_blocks > 1 and not quiet:
                print(f"  block {block + 1} of {n_blocks}", file=sys.stderr, flush=True)
            frames, block_inputs = _simulate(block_seed(seed, block), scale / n_blocks, calendar, progress,
                                             with_spend=n_blocks == 1)
            inputs = block_inputs if inputs is None else inputs + block_inputs
            if n_blocks > 1:
                _shift_ids(frames, offsets)
            for entity, frame in frames.items():
                if entity == "campaigns" and block > 0:
                    continue
                output.write_entity(entity, contract[entity], frame.to_arrow(contract[entity]),
                                    append=entity in written)
                written[entity] = written.get(entity, 0) + frame.n
                progress.step(f"write {entity}", frame.n)
        if n_blocks > 1 and inputs is not None:
            spend = spend_from_inputs(rng_for(seed, "spend"), calendar, inputs)
            frame = _spend_frame(rng_for(seed, "defects-spend"), spend)
            output.write_entity("channel_spend", contract["channel_spend"], frame.to_arrow(contract["channel_spend"]))
            written["channel_spend"] = frame.n
            progress.step("write channel_spend (all blocks)", frame.n)
    finally:
        output.close()
    if not quiet:
        print(f"  {'total':<28}{sum(written.values()):>12,} rows  {progress.done():7.2f} s", file=sys.stderr)
    return {entity: written[entity] for entity in contract if entity in written}


def _shift_ids(frames: dict[str, Frame], offsets: dict[str, int]) -> None:
    """Shift a block's ids past the earlier blocks' (NULL stays NULL); advance ``offsets``."""
    largest = dict(offsets)
    for entity, columns in ID_COLUMNS.items():
        frame = frames[entity]
        for column, space in columns.items():
            values = np.asarray(frame[column], dtype=np.int64)
            shifted = np.where(values == NULL, NULL, values + offsets[space])
            frame[column] = shifted
            present = shifted[shifted != NULL]
            if len(present):
                largest[space] = max(largest[space], int(present.max()))
    offsets.update(largest)


def _simulate(seed: int, scale: float, calendar, progress: Progress,
              with_spend: bool) -> tuple[dict[str, Frame], SpendInputs]:
    """One population of users: every entity's frame (channel spend only ``with_spend``)."""
    rng = lambda name: rng_for(seed, name)  # noqa: E731 - one stream per step

    n_days = calendar.n_days
    end_l = n_days * DAY
    users = generate_users(rng("users"), calendar, scale)
    recall = simulate_recall(rng("recall"), users, end_l)
    first_active = np.where(users.node1, recall.comeback_l, users.reg_l)
    progress.step("users", users.n)
    purchases = generate_purchases(rng("purchases"), users, calendar, first_active)
    progress.step("purchases (BG/NBD)", len(purchases.user))
    active = base_activity(rng("activity"), users, calendar, recall)
    purchase_keys = sorted_unique(pairs_key(purchases.user, purchases.time_l // DAY, n_days))
    active = sorted_unique(np.concatenate([active, purchase_keys]))
    assignment = assign(rng("experiment"), users, active, n_days)
    active = override_activity(rng("experiment-activity"), assignment, active, purchase_keys, n_days)
    side = [assign_side(rng("experiment-" + experiment.experiment_id), experiment, users, active, n_days)
            for experiment in SIDE_EXPERIMENTS]
    progress.step("active user-days", len(active))
    sessions, placements = build_sessions(rng("sessions"), users, calendar, purchases, recall, active, end_l)
    events, sessions = build_events(rng("events"), users, sessions, placements, first_active, n_days, end_l)
    progress.step("sessions + events", len(events.user))

    orders, rate = build_orders(rng("orders"), users, calendar, purchases, placements, assignment, DEFECT_RATES)
    items = build_items(rng("items"), users, orders, rate)
    coupons = issue_coupons(rng("coupons"), users, calendar, sessions, recall, assignment, orders, rng("offers"))
    redeem_coupons(rng("redeem"), coupons, orders, calendar)
    ledger, redeemed_by_order = build_points(rng("points"), users, calendar, sessions, orders, end_l)
    shipments = build_shipments(rng("shipments"), orders, end_l)
    returns = build_returns(rng("returns"), orders, shipments, end_l)
    status, last_change = order_status(orders, shipments, returns, end_l)
    progress.step("orders + lines + logistics", len(orders.order_id))
    tiers = build_tiers(rng("tiers"), users, orders, end_l)
    messages = build_messages(rng("messages"), users, calendar, recall, assignment, shipments, orders,
                              coupons.offers, end_l)
    inputs = spend_inputs(users, calendar, orders, coupons, redeemed_by_order)
    spend = spend_from_inputs(rng("spend"), calendar, inputs) if with_spend else None
    paid = np.nonzero(orders.clean & orders.is_paid)[0]
    interactions = build_interactions(rng("interactions"), users.n, sessions, events, ledger, orders.user[paid],
                                      orders.paid_l[paid], end_l)
    progress.step("crm + marketing + interactions", len(interactions.user))

    frames = _frames(seed, users, calendar, sessions, events, interactions, orders, status, last_change, items, shipments,
                     returns, coupons, ledger, tiers, messages, spend, assignment, side)
    progress.step("defects + frames")
    return frames, inputs


def _frames(seed, users, calendar, sessions, events, interactions, orders, status, last_change, items, shipments,
            returns, coupons, ledger, tiers, messages, spend, assignment, side) -> dict[str, Frame]:
    rng = lambda name: rng_for(seed, "defects-" + name)  # noqa: E731
    rate = DEFECT_RATES
    campaign_ids = lambda index: _ids(index)  # noqa: E731
    frames: dict[str, Frame] = {}

    # campaigns: a dimension exported once, loaded at a fixed time.
    specs = calendar.campaigns
    frames["campaigns"] = Frame({
        "campaign_id": np.arange(1, len(specs) + 1, dtype=np.int64),
        "campaign_name": pa.array([c.name for c in specs]),
        "campaign_type": Cat(np.array([_type_code(c.campaign_type) for c in specs]), _CAMPAIGN_TYPES),
        "start_date": calendar.campaign_start.astype(np.int64),
        "end_date": calendar.campaign_end.astype(np.int64),
        "budget": np.array([c.budget_yuan * 100 for c in specs], dtype=np.int64),
        "loaded_at": np.full(len(specs), -2 * DAY + 10 * HOUR, dtype=np.int64),
    })

    # users
    r = rng("users")
    device = device_variant(r, users.device, rate["case_variant_device"])
    gender = users.gender.copy()
    flip = r.random(users.n) < rate["case_variant_gender"]
    gender = np.where(flip & (gender == 0), 3, np.where(flip & (gender == 1), 4, gender))
    frame = Frame({
        "user_id": users.user_id,
        "registered_at": users.reg_l,
        "birth_year": users.birth_year,
        "gender": Cat(gender, GENDERS),
        "city": Cat(users.city, CITIES),
        "device": Cat(device, DEVICES),
        "acquisition_channel": Cat(users.raw_code, tuple(RAW_CODE_LIST)),
        "acquisition_campaign_id": campaign_ids(users.campaign),
        "referrer_user_id": np.where(users.referrer >= 0, users.user_id[np.maximum(users.referrer, 0)], NULL),
        "phone": users.phone,
        "full_name": users.full_name,
        "is_test_account": users.is_test,
        "loaded_at": loaded_after(r, users.reg_l),
    })
    dfx.remap_codes(r, frame, "acquisition_channel", CASE_VARIANT_CODE, rate["case_variant_source"])
    tablet = dfx.clone(r, frame, rate["unknown_enum"], ~users.is_test)
    tablet["user_id"] = users.n + 1 + np.arange(tablet.n, dtype=np.int64)
    tablet["device"] = Cat(np.full(tablet.n, DEVICES.index("tablet")), DEVICES)
    tablet["referrer_user_id"] = np.full(tablet.n, NULL)
    frame = frame.append(tablet)
    frame = dfx.add_duplicates(r, frame, rate["duplicate_other"])
    frames["users"] = frame

    # events
    r = rng("events")
    session_id = np.arange(1, len(sessions.user) + 1, dtype=np.int64)  # sessions are in start order
    frame = Frame({
        "event_id": np.zeros(len(events.user), dtype=np.int64),
        "user_id": users.user_id[events.user],
        "session_id": session_id[events.session],
        "event_type": Cat(events.event_type, EVENT_TYPES),
        "page": Cat(events.page, PAGES),
        "platform": Cat(events.platform, PLATFORMS),
        "utm_source": Cat(events.raw_code, tuple(RAW_CODE_LIST)),
        "utm_campaign": campaign_ids(events.utm_campaign),
        "event_at": events.event_l,
        "loaded_at": loaded_after(r, events.event_l),
    })
    # Unknown event types: extra rows right after the row they were cloned from.
    source = np.sort(r.choice(frame.n, size=dfx.count_for(rate["unknown_enum"], frame.n), replace=False))
    unknown = frame.take(source)
    unknown["event_type"] = Cat(np.full(unknown.n, EVENT_TYPES.index("unknown_evt")), EVENT_TYPES)
    unknown["page"] = Cat(np.full(unknown.n, -1), PAGES)
    unknown["event_at"] = unknown["event_at"] + 1
    frame = frame.insert_after(source, unknown)
    frame["event_id"] = np.arange(1, frame.n + 1, dtype=np.int64)
    dfx.remap_codes(r, frame, "platform", {0: 3, 1: 5, 2: 4}, rate["case_variant_platform"])
    dfx.remap_codes(r, frame, "utm_source", CASE_VARIANT_CODE, rate["case_variant_source"] * 4)
    dfx.make_late(r, frame, rate["late_events"], "event_at")
    frame = dfx.add_duplicates(r, frame, rate["duplicate_events"])
    frame = dfx.null_key_rows(r, frame, "event_id", rate["null_key"])
    # Interaction events: appended with ids after the others (their own defect
    # stream, so every earlier row of the file stays as it was).
    r = rng("interactions")
    first_id = int(frame["event_id"].max(initial=0)) + 1
    first_of_session = np.unique(events.session, return_index=True)
    landing = np.full(len(sessions.user), -1, dtype=np.int64)
    landing[first_of_session[0]] = first_of_session[1]
    source = landing[interactions.session]
    more = Frame({
        "event_id": first_id + np.arange(len(interactions.user), dtype=np.int64),
        "user_id": users.user_id[interactions.user],
        "session_id": session_id[interactions.session],
        "event_type": Cat(interactions.event_type, EVENT_TYPES),
        "page": Cat(np.full(len(interactions.user), -1), PAGES),
        "platform": Cat(events.platform[source], PLATFORMS),
        "utm_source": Cat(events.raw_code[source], tuple(RAW_CODE_LIST)),
        "utm_campaign": campaign_ids(events.utm_campaign[source]),
        "event_at": interactions.event_l,
        "loaded_at": loaded_after(r, interactions.event_l),
    })
    dfx.make_late(r, more, rate["late_events"], "event_at")
    more = dfx.add_duplicates(r, more, rate["duplicate_events"])
    frames["events"] = frame.append(more)

    # orders
    r = rng("orders")
    risk = (orders.defect == FRAUD).astype(np.int64)
    frame = Frame({
        "order_id": orders.order_id,
        "user_id": orders.user_id,
        "placed_at": orders.placed_l,
        "paid_at": orders.paid_l,
        "cancelled_at": np.where((orders.cancelled_l != NULL) & (orders.cancelled_l < calendar.n_days * DAY),
                                 orders.cancelled_l, NULL),
        "status": Cat(status, ORDER_STATUSES),
        "list_amount": orders.list_cents,
        "discount_amount": orders.discount_cents,
        "coupon_amount": orders.coupon_cents,
        "shipping_fee": orders.shipping_cents,
        "paid_amount": orders.paid_cents,
        "channel": Cat(orders.raw_code, tuple(RAW_CODE_LIST)),
        "campaign_id": campaign_ids(orders.campaign),
        "coupon_id": _ids(orders.coupon),
        "risk_flag": Cat(risk, ("none", "fraud")),
        "loaded_at": loaded_after(r, last_change),
        "_last_change": last_change,
    })
    dfx.remap_codes(r, frame, "channel", CASE_VARIANT_CODE, rate["case_variant_source"] * 4)
    dfx.make_late(r, frame, rate["late_orders"], "_last_change")
    frame = dfx.add_duplicates(r, frame, rate["duplicate_orders"])
    frames["orders"] = frame

    # order_items
    r = rng("items")
    line = np.arange(len(items.order)) - np.repeat(np.cumsum(np.bincount(items.order, minlength=len(orders.order_id)))
                                                   - np.bincount(items.order, minlength=len(orders.order_id)),
                                                   np.bincount(items.order, minlength=len(orders.order_id)))
    frame = Frame({
        "order_item_id": np.zeros(len(items.order), dtype=np.int64),
        "order_id": orders.order_id[items.order],
        "product_id": items.product_id,
        "category": Cat(items.category, CATEGORIES),
        "quantity": items.quantity,
        "unit_price": items.unit_cents,
        "unit_cost": items.cost_cents,
        "loaded_at": loaded_after(r, orders.placed_l[items.order]),
        "_line": line,
    })
    orphan = dfx.clone(r, frame, rate["orphan_order_items"])
    orphan["order_id"] = len(orders.order_id) + 10_000 + r.integers(0, 10_000, size=orphan.n)
    orphan["_line"] = orphan["_line"] + 100
    frame = dfx.assign_ids(frame.append(orphan), "order_item_id", ["order_id", "_line"])
    frame = dfx.add_duplicates(r, frame, rate["duplicate_other"])
    frame = dfx.null_key_rows(r, frame, "order_item_id", rate["null_key"])
    frames["order_items"] = frame

    # shipments
    r = rng("shipments")
    frame = Frame({
        "shipment_id": np.zeros(len(shipments.order), dtype=np.int64),
        "order_id": orders.order_id[shipments.order],
        "carrier": Cat(shipments.carrier, CARRIERS),
        "shipped_at": shipments.shipped_l,
        "delivered_at": shipments.delivered_l,
        "promised_delivery_at": shipments.promised_l,
        "loaded_at": loaded_after(r, np.where(shipments.delivered_l != NULL, shipments.delivered_l,
                                              shipments.shipped_l)),
    })
    orphan = dfx.clone(r, frame, rate["orphan_shipments"])
    orphan["order_id"] = len(orders.order_id) + 10_000 + r.integers(0, 10_000, size=orphan.n)
    unknown = dfx.clone(r, frame, rate["unknown_enum"])
    unknown["carrier"] = Cat(np.full(unknown.n, CARRIERS.index("xyz")), CARRIERS)
    unknown["shipped_at"] = unknown["shipped_at"] + HOUR
    frame = dfx.assign_ids(frame.append(orphan).append(unknown), "shipment_id", ["shipped_at", "order_id"])
    frame = dfx.add_duplicates(r, frame, rate["duplicate_other"])
    frames["shipments"] = frame

    # returns
    r = rng("returns")
    frame = Frame({
        "return_id": np.zeros(len(returns.order), dtype=np.int64),
        "order_id": orders.order_id[returns.order],
        "requested_at": returns.requested_l,
        "reason": Cat(returns.reason, RETURN_REASONS),
        "refund_amount": returns.refund_cents,
        "loaded_at": loaded_after(r, returns.requested_l),
    })
    bad = dfx.clone(r, frame, rate["non_positive_returns"])
    bad["refund_amount"] = r.choice(np.array([0, -1_000, -5_000]), size=bad.n)
    bad["requested_at"] = bad["requested_at"] + HOUR
    frame = dfx.assign_ids(frame.append(bad), "return_id", ["requested_at", "order_id"])
    frame = dfx.add_duplicates(r, frame, rate["duplicate_other"])
    frames["returns"] = frame

    # coupons
    r = rng("coupons")
    redeemed = coupons.redeemed_order >= 0
    redeemed_l = np.where(redeemed, orders.paid_l[np.maximum(coupons.redeemed_order, 0)], NULL)
    frame = Frame({
        "coupon_id": np.arange(1, len(coupons.user) + 1, dtype=np.int64),
        "user_id": users.user_id[coupons.user],
        "campaign_id": campaign_ids(coupons.campaign),
        "threshold_amount": coupons.threshold_cents,
        "discount_value": coupons.value_cents,
        "issued_at": coupons.issued_l,
        "expires_at": coupons.expires_l,
        "redeemed_at": redeemed_l,
        "redeemed_order_id": np.where(redeemed, orders.order_id[np.maximum(coupons.redeemed_order, 0)], NULL),
        "loaded_at": loaded_after(r, np.where(redeemed, redeemed_l, coupons.issued_l)),
    })
    frame = dfx.add_duplicates(r, frame, rate["duplicate_other"])
    frames["coupons"] = frame

    # channel_spend (sized on all blocks' GMV when users are simulated in blocks)
    if spend is not None:
        frames["channel_spend"] = _spend_frame(rng("spend"), spend)

    # points_ledger
    r = rng("points")
    frame = Frame({
        "entry_id": np.arange(1, len(ledger.user) + 1, dtype=np.int64),
        "user_id": users.user_id[ledger.user],
        "entry_type": Cat(ledger.entry_type, ENTRY_TYPES),
        "reason": Cat(ledger.reason, REASONS),
        "points": ledger.points,
        "order_id": np.where(ledger.order >= 0, orders.order_id[np.maximum(ledger.order, 0)], NULL),
        "occurred_at": ledger.occurred_l,
        "is_farming_suspected": ledger.farming,
        "loaded_at": loaded_after(r, ledger.occurred_l),
    })
    frame = dfx.add_duplicates(r, frame, rate["duplicate_other"])
    frame = dfx.null_key_rows(r, frame, "entry_id", rate["null_key"])
    frames["points_ledger"] = frame

    # member_tiers
    r = rng("tiers")
    frame = Frame({
        "tier_change_id": np.arange(1, len(tiers.user) + 1, dtype=np.int64),
        "user_id": users.user_id[tiers.user],
        "from_tier": Cat(tiers.from_tier, TIERS),
        "to_tier": Cat(tiers.to_tier, TIERS),
        "changed_at": tiers.changed_l,
        "loaded_at": loaded_after(r, tiers.changed_l),
    })
    frame = dfx.add_duplicates(r, frame, rate["duplicate_other"])
    frames["member_tiers"] = frame

    # messages
    r = rng("messages")
    frame = Frame({
        "message_id": np.arange(1, len(messages.user) + 1, dtype=np.int64),
        "user_id": users.user_id[messages.user],
        "message_channel": Cat(messages.channel, MESSAGE_CHANNELS),
        "purpose": Cat(messages.purpose, PURPOSES),
        "campaign_id": campaign_ids(messages.campaign),
        "sent_at": messages.sent_l,
        "clicked_at": messages.clicked_l,
        "loaded_at": loaded_after(r, np.maximum(messages.sent_l, messages.clicked_l)),
    })
    frame = dfx.add_duplicates(r, frame, rate["duplicate_other"])
    frame = dfx.null_key_rows(r, frame, "message_id", rate["null_key"])
    frames["messages"] = frame

    # experiments
    r = rng("experiments")
    order = np.lexsort((assignment.user, assignment.assigned_l))
    frame = Frame({
        "assignment_id": np.arange(1, len(order) + 1, dtype=np.int64),
        "experiment_id": Cat(np.zeros(len(order), dtype=np.int64), (EXPERIMENT_ID,)),
        "user_id": users.user_id[assignment.user[order]],
        "group_name": Cat(assignment.group[order], ("A", "B")),
        "assigned_at": assignment.assigned_l[order],
        "loaded_at": loaded_after(r, assignment.assigned_l[order]),
    })
    frame = dfx.add_duplicates(r, frame, rate["duplicate_other"])
    # The A/A and broken-split experiments: appended after, each with its own stream.
    experiment_ids = (EXPERIMENT_ID,) + tuple(experiment.experiment_id for experiment in SIDE_EXPERIMENTS)
    frame["experiment_id"] = Cat(frame["experiment_id"].codes, experiment_ids)
    next_id = int(frame["assignment_id"].max(initial=0)) + 1
    for code, (experiment, log) in enumerate(zip(SIDE_EXPERIMENTS, side), start=1):
        r = rng("experiments-" + experiment.experiment_id)
        order = np.lexsort((log.user, log.assigned_l))
        more = Frame({
            "assignment_id": next_id + np.arange(len(order), dtype=np.int64),
            "experiment_id": Cat(np.full(len(order), code, dtype=np.int64), experiment_ids),
            "user_id": users.user_id[log.user[order]],
            "group_name": Cat(log.group[order], ("A", "B")),
            "assigned_at": log.assigned_l[order],
            "loaded_at": loaded_after(r, log.assigned_l[order]),
        })
        next_id += len(order)
        frame = frame.append(more)
    frames["experiments"] = frame
    return frames


def _spend_frame(r: np.random.Generator, spend) -> Frame:
    """The channel_spend rows, with their defects (unknown channel, non-positive amounts, copies)."""
    rate = DEFECT_RATES
    campaign_ids = lambda index: _ids(index)  # noqa: E731
    frame = Frame({
        "spend_date": spend.day.astype(np.int64),
        "channel": Cat(spend.channel, PAID_CHANNELS + ("tiktok_ads",)),
        "campaign_id": campaign_ids(spend.campaign),
        "spend_amount": spend.cents,
        "impressions": spend.impressions,
        "loaded_at": (spend.day + 1) * DAY + 3 * HOUR + r.integers(0, HOUR, size=len(spend.day)),
    })
    unknown = dfx.clone(r, frame, rate["unknown_enum"], frame["campaign_id"] == NULL)
    unknown["channel"] = Cat(np.full(unknown.n, len(PAID_CHANNELS)), PAID_CHANNELS + ("tiktok_ads",))
    frame = frame.append(unknown)
    count = dfx.count_for(rate["non_positive_spend"], frame.n)
    idx = r.choice(frame.n, size=count, replace=False)
    amount = frame["spend_amount"].copy()
    amount[idx] = r.choice(np.array([0, -2_000, -10_000]), size=count)
    frame["spend_amount"] = amount
    frame = dfx.add_duplicates(r, frame, rate["duplicate_other"])
    frame["_campaign_sort"] = np.where(frame["campaign_id"] == NULL, -1, frame["campaign_id"])
    return frame.sort(["spend_date", "channel", "_campaign_sort", "loaded_at"])


_CAMPAIGN_TYPES = ("new_user_week", "points_race", "flash_discount_night", "member_day",
                   "weekend_flash_sale", "referral", "festival", "community_coupon", "member_coupon")


def _type_code(name: str) -> int:
    return _CAMPAIGN_TYPES.index(name)
