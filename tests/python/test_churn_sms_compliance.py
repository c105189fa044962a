"""The marketing-SMS compliance test fires (issue 4).

The committed sample keeps the rule "at most 3 marketing SMS per user per
Asia/Shanghai day", so the build passes. This test proves the data test
``assert_marketing_sms_at_most_3_per_user_day`` would catch a breach: it
copies the raw sample into a temporary folder, appends hand-made messages,
and runs dbt on that copy (var ``raw_dir``) into a temporary warehouse:

- user A gets 4 marketing SMS on 2025-06-10 Asia/Shanghai, two of them on
  2025-06-09 UTC (after 16:00 UTC) and two on 2025-06-10 UTC, so only the
  Asia/Shanghai day (not the UTC day) has more than 3: the test must fail
  and list exactly (A, 2025-06-10, 4);
- user B gets exactly 3 marketing SMS that day, plus a logistics-notice SMS
  and a promotion push: at the limit, not over it - not listed.
"""

from __future__ import annotations

import csv
import pathlib
import shutil

import pytest

from conftest import REPO, run_dbt

TEST_NAME = "assert_marketing_sms_at_most_3_per_user_day"
DAY = "2025-06-10"


def pick_users(warehouse: pathlib.Path) -> tuple[int, int]:
    """Two clean users registered before the day, with no message on it."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            f"""
            select user_id
            from staging.stg_shop__users
            where registered_date < date '{DAY}'
              and user_id not in (
                  select user_id from staging.stg_crm__messages where sent_date = date '{DAY}'
              )
            order by user_id
            limit 2
            """
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == 2, "the sample has no two users free of messages on the test day"
    return rows[0][0], rows[1][0]


def write_fixture(raw_dir: pathlib.Path, user_a: int, user_b: int) -> None:
    """Copy the committed raw sample and append the hand-made messages."""
    for path in (REPO / "seeds" / "raw").glob("*.csv"):
        shutil.copy(path, raw_dir / path.name)
    messages = raw_dir / "messages.csv"
    with open(messages, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames
        ids = [int(row["message_id"]) for row in reader if (row["message_id"] or "").isdigit()]
    next_id = max(ids) + 1000
    extra = [
        # user A: 4 marketing SMS on 2025-06-10 Asia/Shanghai, split over two UTC days
        (user_a, "sms", "promotion", "2025-06-09 16:30:00"),
        (user_a, "sms", "recall_1", "2025-06-09 17:00:00"),
        (user_a, "sms", "promotion", "2025-06-10 03:00:00"),
        (user_a, "sms", "promotion", "2025-06-10 15:30:00"),
        # user B: exactly 3 marketing SMS, one logistics SMS, one promotion push
        (user_b, "sms", "promotion", "2025-06-10 01:00:00"),
        (user_b, "sms", "promotion", "2025-06-10 05:00:00"),
        (user_b, "sms", "promotion", "2025-06-10 09:00:00"),
        (user_b, "sms", "logistics_notice", "2025-06-10 10:00:00"),
        (user_b, "push", "promotion", "2025-06-10 11:00:00"),
    ]
    with open(messages, "a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        for offset, (user_id, channel, purpose, sent_at) in enumerate(extra):
            row = {column: "" for column in columns}
            row.update(
                message_id=str(next_id + offset),
                user_id=str(user_id),
                message_channel=channel,
                purpose=purpose,
                sent_at=sent_at,
                loaded_at="2025-06-11 02:00:00",
            )
            writer.writerow(row)


@pytest.mark.slow
def test_compliance_test_fails_with_offending_user_and_day(warehouse, tmp_path):
    if not (REPO / "seeds" / "raw" / "messages.csv").exists():
        pytest.skip("no committed raw sample")
    user_a, user_b = pick_users(warehouse)
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    write_fixture(raw_dir, user_a, user_b)
    broken = tmp_path / "broken.duckdb"
    result = run_dbt(
        [
            "build", "--select", f"+{TEST_NAME}", "--indirect-selection", "empty",
            "--vars", f"{{raw_dir: '{raw_dir}', raw_format: csv}}",
        ],
        broken, tmp_path / "target", check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build should fail on the breach:\n{output[-3000:]}"
    assert f"Failure in test {TEST_NAME}" in output, output[-3000:]
    assert "Got 1 result" in output, output[-3000:]

    import duckdb

    con = duckdb.connect(str(broken), read_only=True)
    try:
        offending = con.execute(
            f"select user_id, cast(sent_date as varchar), marketing_sms_count from dbt_test__audit.{TEST_NAME}"
        ).fetchall()
    finally:
        con.close()
    assert offending == [(user_a, DAY, 4)]
