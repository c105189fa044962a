"""The warehouse's BG/NBD inputs equal lifetimes' (issue 11, item 7).

An independent recomputation: lifetimes' ``summary_data_from_transaction_data``
on the built warehouse's paid orders gives every customer's frequency,
recency, T and mean repeat value; ``int_customer_clv_inputs`` must agree
for every customer (the monetary value to the cent it rounds to).
ecomops/clv/lifetimes_check.py does the comparison; here it runs on the
sample, and once on a deliberately wrong copy of the model, to prove a
difference is caught and named.
"""

from __future__ import annotations

import pathlib

import pytest

from ecomops.clv import lifetimes_check


def _target(warehouse_build: tuple[pathlib.Path, pathlib.Path | None]) -> pathlib.Path:
    results = warehouse_build[1]
    if results is None:
        pytest.fail("the warehouse fixture names no run_results.json, so no target directory to read")
    return results.parent


def test_the_inputs_equal_lifetimes_for_every_customer(warehouse_build) -> None:
    result = lifetimes_check.compare(warehouse_build[0], _target(warehouse_build))
    assert result.customers > 1000
    assert result.paid_orders > result.customers
    assert result.mismatches == 0, result.examples
    assert result.identical


def test_a_wrong_recency_is_caught_and_named(warehouse_build, monkeypatch: pytest.MonkeyPatch) -> None:
    target = _target(warehouse_build)
    right = lifetimes_check.compiled_sql(target)
    # One customer's recency one day too long, everything else as built.
    wrong = (f"select * replace (case when user_id = (select min(user_id) from ({right}) as inputs) "
             f"then recency_days + 1 else recency_days end as recency_days) from ({right}) as inputs")
    monkeypatch.setattr(lifetimes_check, "compiled_sql", lambda _target: wrong)
    result = lifetimes_check.compare(warehouse_build[0], target)
    assert result.mismatches == 1
    assert not result.identical
    example = result.examples[0]
    assert example["project"] != example["lifetimes"]


def test_a_missing_target_says_what_to_run(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError, match="run `dbt build`"):
        lifetimes_check.compiled_sql(tmp_path)
