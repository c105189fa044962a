"""Nothing a build writes gives away personal data or the PII salt.

The build is the bad-input suite's combined build (test_quality_bad_input.py):
the committed sample's export with a mobile number typed into a user's city
and into a campaign's name, a users.csv line with invalid UTF-8 and one with
too many fields (each with a mobile number and a name no other file of the
repository holds), built with a distinctive ECOMOPS_PII_SALT. After it:

- no clear-text mobile number of the raw files, and none of the planted
  numbers and names, is in dbt's stdout/stderr or in any file under the
  build's target dir (logs/ included: the tests point DBT_LOG_PATH there),
  nor in any text column of the warehouse;
- the salt is in no artifact: manifest.json, run_results.json, the compiled
  and run SQL, partial_parse.msgpack, the logs, the output, the warehouse
  file (and the build did hash with it: a phone hash is recomputed here);
- the run-start check's list of known vars (project_var_names) is exactly
  the vars of dbt_project.yml.
"""

from __future__ import annotations

import hashlib
import pathlib
import re

import duckdb
import pytest
import yaml

from conftest import REPO
from test_quality_bad_input import SALT, BadInputBuilds, Build

MOBILE = re.compile(rb"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
ARTIFACTS = ["manifest.json", "run_results.json", "partial_parse.msgpack", "logs/dbt.log", "compiled", "run"]


def _combined(builds: BadInputBuilds) -> Build:
    """The combined build, once it has staged the export (whether or not an
    unrelated data test failed: test_quality_bad_input.py reports that)."""
    build = builds.get("combined")
    built = {name: build.statuses.get(f"model.ecomops.{name}") for name in ("stg_quarantine__rows", "stg_shop__users")}
    assert set(built.values()) == {"success"}, f"{built}:\n{build.output[-3000:]}"
    return build


def _raw_phones(build: Build) -> set[str]:
    phones = {phone for phone in build.export.frames["users"]["phone"] if re.fullmatch(r"1[3-9][0-9]{9}", phone)}
    assert len(phones) > 1000
    return phones


def _planted(build: Build) -> list[str]:
    values = [value for case in build.cases for value in case.get("planted_pii", [])]
    assert len(values) >= 4, "the combined build plants numbers and names to look for"
    return values


def _written_files(build: Build, complete: bool = True) -> list[pathlib.Path]:
    """Every file under the build's target dir; with complete, each artifact
    above must be among them (else a scan would prove nothing)."""
    if complete:
        for artifact in ARTIFACTS:
            assert (build.target / artifact).exists(), f"{artifact} not written: the scan would prove nothing"
    return sorted(path for path in build.target.rglob("*") if path.is_file())


def _leaks(data: bytes, phones: set[str], planted: list[str]) -> list[str]:
    found = {match.decode() for match in MOBILE.findall(data)} & (phones | set(planted))
    found |= {value for value in planted if value.encode("utf-8") in data}
    return sorted(found)


@pytest.mark.slow
def test_no_clear_text_phone_or_name_in_output_logs_or_target(bad_input_builds: BadInputBuilds) -> None:
    # Whatever the build wrote, even if it stopped early, is scanned first.
    build = bad_input_builds.get("combined")
    phones, planted = _raw_phones(build), _planted(build)
    leaks = {"stdout/stderr": _leaks(build.output.encode("utf-8"), phones, planted)}
    for path in _written_files(build, complete=False):
        leaks[str(path.relative_to(build.target))] = _leaks(path.read_bytes(), phones, planted)
    leaks = {where: found for where, found in leaks.items() if found}
    assert leaks == {}, leaks
    _combined(bad_input_builds)
    _written_files(build)


@pytest.mark.slow
def test_no_clear_text_phone_in_any_warehouse_table(bad_input_builds: BadInputBuilds) -> None:
    build = _combined(bad_input_builds)
    phones = _raw_phones(build) | {value for value in _planted(build) if value.isdigit()}
    con = duckdb.connect(str(build.warehouse), read_only=True)
    try:
        con.execute("create temp table raw_phones (phone varchar)")
        con.executemany("insert into raw_phones values (?)", [(phone,) for phone in sorted(phones)])
        columns = con.execute(
            """
            select table_schema, table_name, column_name
            from information_schema.columns
            where table_catalog <> 'temp'
                and table_schema not in ('raw', 'information_schema', 'pg_catalog')
                and data_type in ('VARCHAR', 'JSON')
            order by all
            """
        ).fetchall()
        assert len(columns) > 50
        leaks = []
        for schema, table, column in columns:
            found = con.execute(
                f"""
                select count(*)
                from (
                    select unnest(regexp_extract_all(cast("{column}" as varchar), '1[3-9][0-9]{{9}}')) as number
                    from "{schema}"."{table}"
                ) as numbers
                inner join raw_phones on numbers.number = raw_phones.phone
                """
            ).fetchone()[0]
            if found:
                leaks.append(f"{schema}.{table}.{column}: {found}")
        assert leaks == [], leaks
    finally:
        con.close()


@pytest.mark.slow
def test_pii_salt_is_written_nowhere(bad_input_builds: BadInputBuilds) -> None:
    build = _combined(bad_input_builds)
    # The build hashed with this salt (so its absence below means something):
    # a staged user's phone hash, recomputed as hash_pii documents it.
    con = duckdb.connect(str(build.warehouse), read_only=True)
    try:
        staged = {str(user_id): phone_hash for user_id, phone_hash in
                  con.execute("select user_id, phone_hash from staging.stg_shop__users").fetchall()}
    finally:
        con.close()
    users = build.export.frames["users"]
    user_id, phone = next(
        (user_id, phone) for user_id, phone in zip(users["user_id"], users["phone"])
        if user_id in staged and re.fullmatch(r"1[3-9][0-9]{9}", phone)
    )
    phone_hash = staged[user_id]
    assert phone_hash == hashlib.sha256((SALT + phone).encode("utf-8")).hexdigest()

    salt = SALT.encode("utf-8")
    found = [str(path.relative_to(build.target)) for path in _written_files(build) if salt in path.read_bytes()]
    if SALT in build.output:
        found.append("stdout/stderr")
    if salt in build.warehouse.read_bytes():
        found.append(build.warehouse.name)
    assert found == [], f"the PII salt is written in {found}"


def _macro_var_names() -> list[str]:
    text = (REPO / "macros" / "run_checks" / "check_run_settings.sql").read_text(encoding="utf-8")
    body = re.search(r"macro project_var_names\(\).*?endmacro", text, flags=re.DOTALL)
    assert body, "macro project_var_names() not found"
    return re.findall(r"'([A-Za-z0-9_]+)'", body.group(0))


def test_known_vars_are_exactly_the_vars_of_dbt_project_yml() -> None:
    names = _macro_var_names()
    project_vars = yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    assert len(names) == len(set(names)), "project_var_names() lists a var twice"
    assert sorted(names) == sorted(project_vars), (
        f"only in project_var_names(): {sorted(set(names) - set(project_vars))}; "
        f"only in dbt_project.yml: {sorted(set(project_vars) - set(names))}"
    )
