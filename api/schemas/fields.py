"""Constrained field types of request bodies: the limits of what clients may send."""

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)


class RequestModel(BaseModel):
    """A request body: unknown fields (server-owned ones among them) are refused, and
    every value must already be of its JSON type (strict: `"5"` is not a number, `1` is
    not `true`), so the body the server takes is exactly the one its schema describes."""

    model_config = ConfigDict(extra="forbid", strict=True)


_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _parsed(pattern: re.Pattern[str], parse: Callable[[str], Any], what: str) -> BeforeValidator:
    """Only a JSON string of this form (RFC 3339 `full-date` or `date-time`, as the
    schema's `format` says), parsed here: not a number of seconds, not a date without
    its time. Strict validation then takes the parsed value."""

    def check(value: Any) -> Any:
        if not isinstance(value, str) or pattern.fullmatch(value) is None:
            raise ValueError(f"must be {what}")
        return parse(value)

    return BeforeValidator(check)


IsoDate = Annotated[date, _parsed(_FULL_DATE, date.fromisoformat, "a date as YYYY-MM-DD")]
IsoDateTime = Annotated[
    datetime,
    _parsed(_DATE_TIME, datetime.fromisoformat, "a date and time with its offset (RFC 3339)"),
]


def _integral(value: Any) -> Any:
    """`2000.0` is the integer 2000 in JSON (as JSON Schema's `integer` says); a float
    with a fraction, a boolean or a string stays what it is, and is refused."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


INTEGRAL = BeforeValidator(_integral)
"""After the bounds of an integer of a request body (`Annotated[int, Field(ge=..),
INTEGRAL]`, so the schema states them): `2000` or `2000.0`, never `true` or `"2000"`."""

NO_NUL = r"^[^\x00]*$"
"""Strings never carry NUL characters."""

SPACE = r"\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
r"""Control characters and every kind of space, spelled out: `\s` means slightly
different things to Python, to pydantic's regex engine and to JSON Schema's (ECMA-262),
and a pattern must mean the same to the server and to every client."""

_BANNED_IN_TEXT = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069"
_BANNED_IN_LINE = r"\x00-\x1f\x7f-\x9f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069"
LINE = rf"^([^{_BANNED_IN_LINE}]*[^{_BANNED_IN_LINE}{SPACE}][^{_BANNED_IN_LINE}]*)?$"
"""Single-line text a client sends (names, titles, labels): no control characters (C0,
DEL, C1), no bidi controls (U+202A-202E, U+2066-2069), no zero-width space, word joiner
or byte order mark (ZWJ and ZWNJ stay: emoji and several scripts need them), and not
only spaces. Empty is allowed where the field allows it."""
TEXT = rf"^([^{_BANNED_IN_TEXT}]*[^{_BANNED_IN_TEXT}{SPACE}][^{_BANNED_IN_TEXT}]*)?$"
"""Text of several lines (a bio, a note): as `LINE`, with tab, line feed and carriage
return."""


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


NFC = AfterValidator(_nfc)
"""Text is kept in Unicode normal form C, so names that look alike are the same string."""

ShortText = Annotated[str, StringConstraints(max_length=100, pattern=LINE), NFC]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=LINE), NFC]
Title = Annotated[str, StringConstraints(max_length=200, pattern=LINE), NFC]
LongText = Annotated[str, StringConstraints(max_length=5000, pattern=TEXT), NFC]
StorageId = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
HttpUrl = Annotated[
    str,
    StringConstraints(max_length=2000, pattern=rf"^https?://[^{SPACE}/$.?#][^{SPACE}]*$"),
]
Email = Annotated[
    str,
    StringConstraints(max_length=320, pattern=rf"^[^@{SPACE}]+@[^@{SPACE}]+\.[^@{SPACE}]+$"),
]
Phone = Annotated[str, StringConstraints(max_length=50, pattern=LINE), NFC]
SizeValue = (
    Annotated[str, StringConstraints(max_length=20, pattern=NO_NUL)]
    | Annotated[int, Field(ge=0, le=1000), INTEGRAL]
    | Annotated[float, Field(ge=0, le=1000)]
)

MAX_HEADSHOTS = 20
MAX_LINKS = 20
MAX_LIST = 50


def not_null() -> Any:
    """A patch field that may be left out but not cleared: `null` is refused (the field
    is one the item must keep), and the schema says so (no `null`; the OpenAPI document
    leaves out a default its field's type cannot hold)."""
    return Field(default=None)
