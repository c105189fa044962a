"""``python -m ecomops check-export DIR``: the preflight of a raw export.

Each test builds a small export in a temporary folder (rows taken from the
committed sample, then changed column by column) and checks the verdict,
the exit status and the exact counts planted. Expected values are worked
out here by hand or counted from the files with Python's csv module, never
by the code under test. A phone number planted in several places
(PLANTED_PHONE) must never reach stdout or stderr.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys

import duckdb
import pytest

from conftest import REPO, run_dbt
from ecomops.cli import main
from ecomops.export import check as check_module
from ecomops.export.contract import load_contract
from ecomops.export.mask import mask_value, shape

SAMPLE = REPO / "seeds" / "raw"
PLANTED_PHONE = "13800138000"


# --- helpers -----------------------------------------------------------------


@pytest.fixture(scope="session")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A manifest.json from `dbt parse` in a temporary target folder."""
    work = tmp_path_factory.mktemp("check_export_manifest")
    run_dbt(["parse", "--quiet"], work / "unused.duckdb", work / "target")
    return work / "target" / "manifest.json"


def sample_rows(entity: str, count: int | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """Header and the first ``count`` data rows of the committed sample file."""
    with (SAMPLE / f"{entity}.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    return list(reader.fieldnames or []), rows if count is None else rows[:count]


def csv_bytes(header: list[str], rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def data_rows(path: pathlib.Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def run_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check-export", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code, out, err = run_check(capsys, *args, "--json")
    assert PLANTED_PHONE not in out + err
    return code, json.loads(out)


def entity(report: dict, name: str) -> dict:
    return next(e for e in report["entities"] if e["entity"] == name)


def findings(report: dict, name: str, column: str) -> dict[str, dict]:
    return entity(report, name)["columns"][column]["findings"]


def copy_sample(target: pathlib.Path, *entities: str) -> pathlib.Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in entities:
        shutil.copy(SAMPLE / f"{name}.csv", target / f"{name}.csv")
    return target


# --- the committed sample and minimal exports ----------------------------------


def test_help_explains_every_option() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ecomops", "check-export", "--help"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    for option in ("--format", "--delimiter", "--quote", "--escape", "--encoding", "--null-string",
                   "--timezone", "--timestamp-floor", "--json"):
        assert option in result.stdout
    for words in ("exit status", "raw_csv_escape", "meta: {optional: true}", "masked"):
        assert words in result.stdout


def test_committed_sample_passes(tmp_path: pathlib.Path) -> None:
    env = dict(os.environ, DBT_TARGET_PATH=str(tmp_path / "target"))
    result = subprocess.run(
        [sys.executable, "-m", "ecomops", "check-export", str(SAMPLE), "--json"],
        cwd=REPO, capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["ok"] and report["format"] == "csv" and report["empty_marts"] == []
    files = sorted(p.stem for p in SAMPLE.glob("*.csv"))
    assert sorted(e["entity"] for e in report["entities"]) == files
    for name in files:
        found = entity(report, name)
        assert found["status"] == "rows"
        assert found["rows"] == data_rows(SAMPLE / f"{name}.csv"), name
        assert found["unreadable_lines"] == 0 and found["columns_missing_required"] == []


def test_sample_text_report_ends_with_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_check(capsys, str(SAMPLE))
    assert code == 0
    assert out.strip().splitlines()[-1].startswith("OK: the build would succeed")
    assert "users *" in out and "orders *" in out  # the required entities are marked


def test_users_and_orders_only_passes_and_lists_empty_marts(
    tmp_path: pathlib.Path, manifest: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = copy_sample(tmp_path / "export", "users", "orders")
    code, report = run_json(capsys, str(export), "--manifest", str(manifest))
    assert code == 0 and report["ok"]
    absent = {e["entity"] for e in report["entities"] if e["status"] == "absent"}
    assert absent == {e.name for e in load_contract()} - {"users", "orders"}
    empty = {m["mart"]: set(m["lacking"]) for m in report["empty_marts"]}
    assert "fct_funnel_daily" in empty and "events" in empty["fct_funnel_daily"]  # the funnel is events
    assert "fct_orders" not in empty and "dim_users" not in empty
    assert all(lacking and lacking <= absent for lacking in empty.values())
    code, out, _ = run_check(capsys, str(export), "--manifest", str(manifest))
    assert code == 0
    assert "Marts that will be empty" in out and "fct_funnel_daily" in out


def test_header_only_entity_counts_as_absent(
    tmp_path: pathlib.Path, manifest: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = copy_sample(tmp_path / "export", "users", "orders")
    header, _ = sample_rows("events", 0)
    (export / "events.csv").write_bytes(csv_bytes(header, []))
    (export / "messages.csv").write_bytes(b"")  # 0 bytes: read as empty, like an absent file
    code, report = run_json(capsys, str(export), "--manifest", str(manifest))
    assert code == 0
    assert entity(report, "events")["status"] == "empty" and entity(report, "events")["rows"] == 0
    assert entity(report, "messages")["status"] == "empty"
    assert "fct_funnel_daily" in {m["mart"] for m in report["empty_marts"]}


# --- exports the build refuses ------------------------------------------------------


def test_missing_orders_file_fails_naming_it(
    tmp_path: pathlib.Path, manifest: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = copy_sample(tmp_path / "export", "users")
    code, out, _ = run_check(capsys, str(export), "--manifest", str(manifest))
    assert code == 1
    assert "orders.csv is absent" in out
    assert out.strip().splitlines()[-1].startswith("FAIL")


def test_required_entity_without_rows_fails(
    tmp_path: pathlib.Path, manifest: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = copy_sample(tmp_path / "export", "users")
    header, _ = sample_rows("orders", 0)
    (export / "orders.csv").write_bytes(csv_bytes(header, []))
    code, out, _ = run_check(capsys, str(export), "--manifest", str(manifest))
    assert code == 1
    assert "orders.csv has no data rows" in out


def test_missing_required_column_fails_naming_file_and_column(
    tmp_path: pathlib.Path, manifest: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = copy_sample(tmp_path / "export", "users")
    header, rows = sample_rows("orders", 20)
    (export / "orders.csv").write_bytes(csv_bytes([c for c in header if c != "paid_amount"], rows))
    code, report = run_json(capsys, str(export), "--manifest", str(manifest))
    assert code == 1
    assert entity(report, "orders")["columns_missing_required"] == ["paid_amount"]
    code, out, _ = run_check(capsys, str(export), "--manifest", str(manifest))
    assert code == 1
    assert any("orders.csv" in line and "paid_amount" in line and "FAILS" in line for line in out.splitlines())


def test_optional_column_may_be_absent(
    tmp_path: pathlib.Path, manifest: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    optional = [(e.name, c.name) for e in load_contract() for c in e.columns if c.optional]
    if not optional:
        pytest.skip("the sources YAML marks no column meta: {optional: true}")
    name, column = optional[0]
    export = copy_sample(tmp_path / "export", "users", "orders", name)
    header, rows = sample_rows(name)
    (export / f"{name}.csv").write_bytes(csv_bytes([c for c in header if c != column], rows))
    code, report = run_json(capsys, str(export), "--manifest", str(manifest))
    assert code == 0
    assert entity(report, name)["columns_missing_optional"] == [column]


def test_no_contract_file_fails_and_suggests_the_name(tmp_path: pathlib.Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "export"
    export.mkdir()
    shutil.copy(SAMPLE / "users.csv", export / "user.csv")
    code, out, _ = run_check(capsys, str(export))
    assert code == 1
    assert "holds none of the contract's csv files" in out
    assert "user.csv (did you mean users.csv?)" in out


def test_mixed_formats_need_the_format_option(
    tmp_path: pathlib.Path, manifest: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = copy_sample(tmp_path / "export", "users", "orders")
    con = duckdb.connect()
    con.execute(f"copy (select * from read_csv('{SAMPLE / 'events.csv'}', all_varchar = true)) "
                f"to '{export / 'events.parquet'}' (format parquet)")
    con.close()
    code, out, _ = run_check(capsys, str(export), "--manifest", str(manifest))
    assert code == 1 and "--format csv or --format parquet" in out
    code, report = run_json(capsys, str(export), "--manifest", str(manifest), "--format", "csv")
    assert code == 0 and any("events.parquet" in w for w in report["warnings"])


def test_usage_errors_exit_2(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_check(capsys, str(tmp_path / "no_such_folder"))
    assert code == 2 and "is not a folder" in err
    code, _, err = run_check(capsys, str(SAMPLE), "--timezone", "Mars/Olympus")
    assert code == 2 and "--timezone" in err
    code, _, err = run_check(capsys, str(SAMPLE), "--timestamp-floor", "last year")
    assert code == 2 and "--timestamp-floor" in err
    code, _, err = run_check(capsys, str(SAMPLE), "--quote", "''")
    assert code == 2 and "--quote" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["check-export", str(SAMPLE), "--format", "xlsx"])
    assert exit_info.value.code == 2


# --- values staging quarantines, counted and masked ----------------------------


def planted_export(folder: pathlib.Path) -> pathlib.Path:
    """users.csv and orders.csv with defects planted at known rows.

    users (8 rows read, 2 lines unreadable):
      registered_at: 2 unparseable ('2025-02-30 25:61:00' and a phone number),
      1 placeholder (1970-01-01), 1 before the floor (1985), 1 after its
      loaded_at; city: 1 with a phone number in free text; phone: the planted
      phone; + a badly encoded line and a line with 3 of 13 fields, both with
      the planted phone.
    orders (9 rows): paid_amount 1 sub-cent '12.345', 1 negative, 1 'abc',
      '12.3000' and '0.00' valid; list_amount 1 '1,234.50'; placed_at 1
      placeholder 9999-12-31, 1 with a +08:00 offset on the data's first day;
      placed_at '2025/1/5 10:00' (slashes: valid); campaign_id '3.0' (an
      integer with a zero fraction: valid) and
      coupon_id '7.5' (not an integer: repaired to null).
    """
    folder.mkdir(parents=True, exist_ok=True)
    header, users = sample_rows("users", 8)
    for row in users:
        row.update(registered_at="2025-01-05 10:00:00", loaded_at="2025-01-10 00:00:00")
    users[1]["registered_at"] = "2025-02-30 25:61:00"
    users[2]["registered_at"] = "1970-01-01 00:00:00"
    users[3]["registered_at"] = "1985-06-01 10:00:00"
    users[4].update(registered_at="2025-03-01 10:00:00", loaded_at="2025-02-01 00:00:00")
    users[5]["registered_at"] = PLANTED_PHONE
    users[6]["city"] = f"上海 {PLANTED_PHONE}"
    users[7]["phone"] = PLANTED_PHONE
    badly_encoded = dict(users[0], city="@@", phone=PLANTED_PHONE)
    lines = csv_bytes(header, users)
    lines += csv_bytes(header, [badly_encoded]).split(b"\n", 1)[1].replace(b"@@", b"\xff\xfe")
    lines += f"9,2025-01-01 00:00:00,{PLANTED_PHONE}\n".encode()
    (folder / "users.csv").write_bytes(lines)

    header, orders = sample_rows("orders", 9)
    for row in orders:
        row.update(placed_at="2025-01-05 10:00:00", paid_at="", cancelled_at="",
                   loaded_at="2025-01-10 00:00:00", list_amount="10.00", paid_amount="10.00")
    orders[1]["paid_amount"] = "12.345"
    orders[2]["paid_amount"] = "12.3000"
    orders[3]["paid_amount"] = "-5.00"
    orders[4]["paid_amount"] = "abc"
    orders[5]["paid_amount"] = "0.00"
    orders[6]["placed_at"] = "9999-12-31 23:59:59"
    orders[7]["list_amount"] = "1,234.50"
    # 23:30 at +08:00 is 15:30 UTC: Shanghai day 2025-01-02 (read as UTC it would be 2025-01-03).
    orders[8]["placed_at"] = "2025-01-02T23:30:00+08:00"
    orders[0]["campaign_id"] = "3.0"
    orders[0]["placed_at"] = "2025/1/5 10:00"  # a spreadsheet's spelling: valid
    orders[5]["coupon_id"] = "7.5"
    (folder / "orders.csv").write_bytes(csv_bytes(header, orders))
    return folder


def test_planted_defects_are_counted_exactly(
    tmp_path: pathlib.Path, manifest: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = planted_export(tmp_path / "export")
    code, report = run_json(capsys, str(export), "--manifest", str(manifest))
    assert code == 0, report["summary"]  # quarantined rows do not stop the build

    users = entity(report, "users")
    assert users["rows"] == 8
    assert users["unreadable_lines"] == 2
    assert users["unreadable_by_error"] == {"INVALID ENCODING": 1, "MISSING COLUMNS": 1}
    assert [e["line"] for e in users["unreadable_examples"]] == [10, 11]  # header is line 1
    registered = findings(report, "users", "registered_at")
    assert {rule: f["count"] for rule, f in registered.items()} == {
        "invalid_value": 2, "timestamp_placeholder": 1, "timestamp_before_floor": 1, "timestamp_after_load": 1,
    }
    assert "2025-02-30 25:61:00" in registered["invalid_value"]["examples"]
    assert "#" * 11 in registered["invalid_value"]["examples"]  # the phone typed as a timestamp
    assert findings(report, "users", "city")["personal_number_in_text"]["count"] == 1
    assert findings(report, "users", "phone") == {}
    assert (users["first_day"], users["last_day"]) == ("2025-01-05", "2025-01-05")

    orders = entity(report, "orders")
    assert orders["rows"] == 9 and orders["unreadable_lines"] == 0
    paid = findings(report, "orders", "paid_amount")
    assert {rule: f["count"] for rule, f in paid.items()} == {
        "invalid_value": 1, "money_sub_cent": 1, "negative_amount": 1,
    }
    assert paid["money_sub_cent"]["examples"] == ["12.345"]
    assert paid["negative_amount"]["examples"] == ["-5.00"]
    assert {rule: f["count"] for rule, f in findings(report, "orders", "list_amount").items()} == {"invalid_value": 1}
    assert {rule: f["count"] for rule, f in findings(report, "orders", "placed_at").items()} == {
        "timestamp_placeholder": 1,
    }
    assert (orders["first_day"], orders["last_day"]) == ("2025-01-02", "2025-01-05")
    assert findings(report, "orders", "campaign_id") == {}
    coupon = findings(report, "orders", "coupon_id")
    # A coupon reference that is not an integer is repaired to null (docs/staging.md).
    assert {rule: f["count"] for rule, f in coupon.items()} == {"unparseable_repaired": 1}
    assert coupon["unparseable_repaired"]["examples"] == ["7.5"]


def test_no_clear_text_personal_data_in_the_output(
    tmp_path: pathlib.Path, manifest: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = planted_export(tmp_path / "export")
    _, first_user = sample_rows("users", 1)
    full_name = first_user[0]["full_name"]  # on the badly encoded line
    for extra in ([], ["--json"]):
        code, out, err = run_check(capsys, str(export), "--manifest", str(manifest), *extra)
        assert code == 0
        assert PLANTED_PHONE not in out + err
        assert full_name not in out + err
        assert "上海" not in out + err
    assert "'2025-02-30 25:61:00'" in out or "2025-02-30 25:61:00" in out
    code, out, err = run_check(capsys, str(export), "--manifest", str(manifest))
    assert "line 10: invalid encoding" in out and "shape '9,9999-99-99 99:99:99" in out


def test_timezone_option_moves_the_days(
    tmp_path: pathlib.Path, manifest: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = copy_sample(tmp_path / "export", "users")
    header, orders = sample_rows("orders", 5)
    for row in orders:
        row.update(placed_at="2025-01-02 23:30:00", paid_at="", cancelled_at="", loaded_at="2025-01-10 00:00:00")
    (export / "orders.csv").write_bytes(csv_bytes(header, orders))
    # Written in UTC: 23:30 UTC is 07:30 the next day in Shanghai.
    _, report = run_json(capsys, str(export), "--manifest", str(manifest))
    assert entity(report, "orders")["first_day"] == "2025-01-03"
    # Written in Beijing time: it is 2025-01-02 in Shanghai.
    _, report = run_json(capsys, str(export), "--manifest", str(manifest), "--timezone", "Asia/Shanghai")
    assert entity(report, "orders")["first_day"] == "2025-01-02"


def test_null_strings_option(tmp_path: pathlib.Path, manifest: pathlib.Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    export = copy_sample(tmp_path / "export", "users")
    header, orders = sample_rows("orders", 6)
    for row in orders:
        row.update(paid_at="NA", cancelled_at="")
    (export / "orders.csv").write_bytes(csv_bytes(header, orders))
    _, report = run_json(capsys, str(export), "--manifest", str(manifest))
    assert findings(report, "orders", "paid_at")["invalid_value"]["count"] == 6
    _, report = run_json(capsys, str(export), "--manifest", str(manifest), "--null-string", "", "--null-string", "NA")
    assert findings(report, "orders", "paid_at") == {}
    assert entity(report, "orders")["columns"]["paid_at"]["nulls"] == 6


def test_mysql_escapes_suggest_the_escape_option(
    tmp_path: pathlib.Path, manifest: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = copy_sample(tmp_path / "export", "users")
    header, orders = sample_rows("orders", 50)
    for number, row in enumerate(orders):
        if number % 10 == 3:
            row["channel"] = 'we"com'
    body = [",".join(header)] + [
        ",".join('"' + value.replace('"', '\\"') + '"' if '"' in value else value for value in
                 (row[c] for c in header))
        for row in orders
    ]
    (export / "orders.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
    code, out, _ = run_check(capsys, str(export), "--manifest", str(manifest))
    assert code == 1
    assert "--escape '\\\\'" in out and "orders.csv" in out
    code, report = run_json(capsys, str(export), "--manifest", str(manifest), "--escape", "\\\\")
    assert code == 0 and entity(report, "orders")["rows"] == 50
    assert report["settings"]["escape"] == "\\"


def test_unterminated_quote_reports_the_swallowed_lines(
    tmp_path: pathlib.Path, manifest: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An open quote after the reader's sniffing sample (~20,000 lines) swallows
    the lines after it: 1 line rejected, 2 lost, and the report says so."""
    export = copy_sample(tmp_path / "export", "users")
    header, orders = sample_rows("orders")
    good = (orders * (25_000 // len(orders) + 1))[:25_000]
    broken = dict(orders[0], channel="OPEN_QUOTE")
    data = csv_bytes(header, good).decode()
    data += csv_bytes(header, [broken]).decode().split("\n", 1)[1].replace("OPEN_QUOTE", '"wecom')
    data += csv_bytes(header, orders[1:3]).decode().split("\n", 1)[1]
    (export / "orders.csv").write_text(data, encoding="utf-8")
    code, report = run_json(capsys, str(export), "--manifest", str(manifest))
    assert code == 0
    orders_report = entity(report, "orders")
    assert orders_report["rows"] == 25_000
    assert orders_report["unreadable_lines"] == 1
    assert orders_report["unreadable_examples"][0]["line"] == 25_002  # header + 25,000 rows + 1
    assert orders_report["unaccounted_lines"] == 2  # the two lines after the open quote
    assert any("neither rows nor rejected lines" in w for w in orders_report["warnings"])


def test_unreadable_small_file_fails(tmp_path: pathlib.Path, manifest: pathlib.Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Within the sniffing sample the same open quote stops the reader: the build
    cannot read the file, so the check fails and names it."""
    export = copy_sample(tmp_path / "export", "users")
    header, orders = sample_rows("orders", 10)
    broken = dict(orders[7], channel="OPEN_QUOTE")
    data = csv_bytes(header, orders[:7] + [broken] + orders[8:]).decode().replace("OPEN_QUOTE", '"wecom')
    (export / "orders.csv").write_text(data, encoding="utf-8")
    code, out, _ = run_check(capsys, str(export), "--manifest", str(manifest))
    assert code == 1
    assert "FAILS: orders.csv: DuckDB cannot read the file" in out


def test_parquet_export_is_detected(tmp_path: pathlib.Path, manifest: pathlib.Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "export"
    export.mkdir()
    con = duckdb.connect()
    for name in ("users", "orders"):
        con.execute(f"copy (select * from read_csv('{SAMPLE / (name + '.csv')}', all_varchar = true)) "
                    f"to '{export / (name + '.parquet')}' (format parquet)")
    con.close()
    code, report = run_json(capsys, str(export), "--manifest", str(manifest))
    assert code == 0 and report["format"] == "parquet"
    for name in ("users", "orders"):
        assert entity(report, name)["rows"] == data_rows(SAMPLE / f"{name}.csv")


def test_progress_lines_go_to_stderr(tmp_path: pathlib.Path, manifest: pathlib.Path,
                                     capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    export = copy_sample(tmp_path / "export", "users", "orders")
    monkeypatch.setattr(check_module, "PROGRESS_BYTES", 1)
    code, out, err = run_check(capsys, str(export), "--manifest", str(manifest), "--json")
    assert code == 0
    json.loads(out)  # stdout stays machine-readable
    assert "scanning users.csv" in err and "scanning orders.csv" in err


# --- masking ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13800138000", "###########"),
        ("call 138-0013-8000 now", "call ###-####-#### now"),
        ("+86 138 0013 8000", "+## ### #### ####"),
        ("11010519491231002X", "##################"),  # 18-digit ID card
        ("110105491231002", "###############"),  # 15-digit ID card
        ("20250101123000", "##############"),  # any run of 7+ digits
        ("a@b.com 1234567", "a@a.aaa #######"),
        ("123456", "123456"),
    ],
)
def test_mask_value_hides_long_numbers(raw: str, masked: str) -> None:
    assert mask_value(raw) == masked


def test_mask_keeps_the_shape_of_dates_and_hides_names() -> None:
    assert mask_value("2025-02-30 25:61:00") == "2025-02-30 25:61:00"
    assert mask_value("张三") == "**"
    assert shape("何勇,13800138000,abc") == "**,99999999999,aaa"
