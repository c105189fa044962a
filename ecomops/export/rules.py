"""The staging layer's parsing rules as DuckDB SQL, for the preflight scan.

They mirror the staging macros (macros/staging/parse_timestamp.sql,
parse_money.sql, macros/safe_cast.sql, macros/raw_source.sql) so that the
preflight counts what staging will quarantine, with the same rule names:

- a value equal to one of the export's null strings is null (compared as
  read, before trimming); everything else is trimmed before parsing;
- timestamps: ISO 8601 'YYYY-MM-DD[ HH:MM[:SS[.fff]]]', 'T' instead of the
  space, optional 'Z' or numeric offset (+08:00, +0800, +08) converted to
  UTC; no offset: the zone of var raw_timezone. Anything else ->
  ``invalid_value``. Implausible -> ``timestamp_placeholder`` (UTC day in
  PLACEHOLDER_DAYS or year 9999), ``timestamp_before_floor``,
  ``timestamp_after_load`` (after the row's own loaded_at),
  ``timestamp_in_future`` (loaded_at after now + 1 day);
- money (decimal): optional sign, digits, optional decimal part ('12',
  '-3.5', '.5'); non-zero digits beyond the cent -> ``money_sub_cent``;
  below zero -> ``negative_amount``;
- integers: optional sign and digits that fit the type, or such digits
  with a fraction of zeros only ('17.0', pandas' spelling of a nullable
  integer column: repaired to 17); booleans and dates:
  what DuckDB casts;
- free text: a mainland mobile or ID-card number is masked in staging.
"""

from __future__ import annotations

OFFSET_TIMESTAMP_RE = r"[0-9]:[0-9]{2}([.][0-9]+)? ?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$"
NAIVE_TIMESTAMP_RE = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?$"
MONEY_RE = r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$"
INTEGER_RE = r"[+-]?[0-9]+"
# Digits with a fraction of zeros only: the integer before the point.
ZERO_FRACTION_RE = r"[+-]?[0-9]+[.]0*"
# A mainland mobile number (1[3-9] + 9 digits) or an ID-card number
# (18 digits, the last may be X, or the old 15 digits), not inside a longer
# digit run.
PERSONAL_NUMBER_RE = r"(^|[^0-9])(1[3-9][0-9]{9}|[0-9]{17}[0-9Xx]|[0-9]{15})([^0-9Xx]|$)"
PLACEHOLDER_DAYS = ("1970-01-01", "1900-01-01", "0001-01-01")
PLACEHOLDER_FROM_YEAR = 9999
FUTURE_SLACK = "interval 1 day"

# Rule names (the quarantine's), as the report shows them.
INVALID_VALUE = "invalid_value"
REPAIRED_VALUE = "unparseable_repaired"
PLACEHOLDER = "timestamp_placeholder"
BEFORE_FLOOR = "timestamp_before_floor"
AFTER_LOAD = "timestamp_after_load"
IN_FUTURE = "timestamp_in_future"
SUB_CENT = "money_sub_cent"
NEGATIVE = "negative_amount"
PERSONAL_NUMBER = "personal_number_in_text"


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def identifier(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def clean(expr: str, null_strings: list[str]) -> str:
    """Text of ``expr``, null when it equals one of ``null_strings``."""
    text = f"cast({expr} as varchar)"
    if not null_strings:
        return text
    values = ", ".join(literal(s) for s in null_strings)
    return f"case when {text} in ({values}) then null else {text} end"


def trimmed(v: str) -> str:
    return f"trim({v})"


# The functions below take ``v``, the text as read (null strings mapped to
# null). Staging trims before parsing; here the common, untrimmed case takes
# a cheap fast path and only the rest is trimmed (same result, a fraction of
# the cost on a 10M-row file).


def _in_zone(naive: str, timezone: str) -> str:
    if timezone.upper() in ("UTC", "Z", "ETC/UTC", "+00:00"):
        return naive
    return f"timezone('UTC', timezone({literal(timezone)}, {naive}))"


def timestamp_utc(v: str, timezone: str) -> str:
    """UTC timestamp of text ``v``, or null when it does not parse.

    The common shape 'YYYY-MM-DD HH:MM:SS' (or with 'T') takes a fast path:
    a LIKE shape test and a cast (no offset fits that shape, so the result
    is the one the regular expressions give). Everything else is trimmed
    and goes through staging's two regular expressions (slashes in the date
    read as dashes, as in staging).
    """
    text = trimmed(f"replace({v}, '/', '-')")
    return (
        f"case when {v} like '____-__-__ __:__:__' or {v} like '____-__-__T__:__:__' "
        f"then {_in_zone(f'try_cast({v} as timestamp)', timezone)} "
        f"when regexp_matches({text}, {literal(OFFSET_TIMESTAMP_RE)}) "
        f"then timezone('UTC', try_cast({text} as timestamptz)) "
        f"when regexp_matches({text}, {literal(NAIVE_TIMESTAMP_RE)}) "
        f"then {_in_zone(f'try_cast({text} as timestamp)', timezone)} end"
    )


def is_placeholder(utc: str) -> str:
    days = ", ".join(f"date {literal(d)}" for d in PLACEHOLDER_DAYS)
    latest = max(PLACEHOLDER_DAYS)
    return (
        f"(({utc} < timestamp {literal(latest)} + interval 1 day and cast({utc} as date) in ({days})) "
        f"or {utc} >= timestamp '{PLACEHOLDER_FROM_YEAR:04d}-01-01')"
    )


def integer_ok(v: str, data_type: str) -> str:
    def ok(text: str) -> str:
        return (
            f"((regexp_full_match({text}, {literal(INTEGER_RE)}) and try_cast({text} as {data_type}) is not null)"
            f" or (regexp_full_match({text}, {literal(ZERO_FRACTION_RE)})"
            f" and try_cast(split_part({text}, '.', 1) as {data_type}) is not null))"
        )

    return f"({ok(v)} or {ok(trimmed(v))})"


def money_value(v: str, data_type: str) -> str:
    """The amount (rounded by the cast: use only with money_ok)."""
    return f"coalesce(try_cast({v} as {data_type}), try_cast({trimmed(v)} as {data_type}))"


def money_ok(v: str, value: str) -> str:
    """A number by staging's rule that fits the type (``value``: money_value)."""
    return (
        f"({value} is not null and (regexp_matches({v}, {literal(MONEY_RE)}) "
        f"or regexp_matches({trimmed(v)}, {literal(MONEY_RE)})))"
    )


def money_sub_cent(v: str, scale: int) -> str:
    pattern = r"^[+-]?[0-9]*[.][0-9]{%d}[0-9]*[1-9][0-9]*$" % scale
    # Cheap guard first: more than `scale` characters after a '.'.
    return f"({v} like '%.{'_' * (scale + 1)}%' and regexp_matches({trimmed(v)}, {literal(pattern)}))"


def boolean_ok(v: str) -> str:
    return f"(try_cast({trimmed(v)} as boolean) is not null)"


def date_value(v: str) -> str:
    return f"try_cast({trimmed(v)} as date)"


def has_personal_number(v: str) -> str:
    # Cheap guard first: at least 11 characters (a mobile number's length).
    return f"(length({v}) >= 11 and regexp_matches({v}, {literal(PERSONAL_NUMBER_RE)}))"
