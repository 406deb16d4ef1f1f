"""Constrained field types of request bodies: the limits of what clients may send."""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints


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

ShortText = Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
Title = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
LongText = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
StorageId = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
HttpUrl = Annotated[
    str,
    StringConstraints(max_length=2000, pattern=rf"^https?://[^{SPACE}/$.?#][^{SPACE}]*$"),
]
Email = Annotated[
    str,
    StringConstraints(max_length=320, pattern=rf"^[^@{SPACE}]+@[^@{SPACE}]+\.[^@{SPACE}]+$"),
]
Phone = Annotated[str, StringConstraints(max_length=50, pattern=NO_NUL)]
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
