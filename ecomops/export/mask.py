"""Masking of raw values before the preflight prints them.

The preflight never prints a raw value that could be personal data:

- ``mask_value``: a value of a typed column (timestamp, number, date...),
  shown so that the reader sees why it does not parse. Mainland mobile
  numbers (also written with spaces or dashes), 15/18-digit ID-card numbers
  and every other run of 7 or more digits become '#' (one per digit);
  non-ASCII characters (a name typed into the wrong column) become '*';
  e-mail addresses are reduced to their shape.
- ``shape``: only the shape of the text: digits -> 9, letters -> a/A,
  non-ASCII -> *, punctuation kept. For raw CSV lines the reader rejected
  and for columns holding personal data.
"""

from __future__ import annotations

import re

MAX_EXAMPLE = 40
MAX_LINE = 80

_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
_ID_CARD = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?![\dXx])")
_LONG_DIGITS = re.compile(r"\d{7,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _hash_digits(match: re.Match[str]) -> str:
    return re.sub(r"[0-9Xx]", "#", match.group(0))


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shape(text: str, limit: int = MAX_LINE) -> str:
    """The shape of ``text``: digits 9, letters a/A, non-ASCII *, rest kept."""
    out = []
    for ch in text:
        if ch.isascii() and ch.isdigit():
            out.append("9")
        elif ch.isascii() and ch.isalpha():
            out.append("A" if ch.isupper() else "a")
        elif not ch.isascii():
            out.append("*")
        else:
            out.append(ch)
    return _truncate(_printable("".join(out)), limit)


def mask_value(text: str, pii: bool = False, limit: int = MAX_EXAMPLE) -> str:
    """``text`` with personal data masked (``pii``: the whole value as a shape)."""
    if pii:
        return shape(text, limit)
    masked = _EMAIL.sub(lambda m: shape(m.group(0)), text)
    masked = _ID_CARD.sub(_hash_digits, masked)
    masked = _MOBILE.sub(lambda m: re.sub(r"\d", "#", m.group(0)), masked)
    masked = _LONG_DIGITS.sub(lambda m: "#" * len(m.group(0)), masked)
    masked = "".join("*" if not ch.isascii() else ch for ch in masked)
    return _truncate(_printable(masked), limit)


def quoted(text: str) -> str:
    """A masked example in single quotes, as the report prints it."""
    return "'" + text.replace("'", "\\'") + "'"
