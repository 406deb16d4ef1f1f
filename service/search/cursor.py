"""Opaque, tamper-proof paging cursors: a position signed with the service's secret."""

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from service.platform.errors import InvalidInput


def invalid_cursor() -> InvalidInput:
    """The error of a cursor this listing cannot go on from (forged, foreign, another
    search's or another backend's, or a position its backend cannot read): a 422."""
    return InvalidInput(
        "the cursor is not valid for this listing; start again without `cursor`",
        extra={"errors": [{"field": "cursor", "message": "invalid cursor"}]},
    )


class CursorCodec:
    """Encodes a position as `payload.signature`; a forged or foreign cursor is a 422."""

    def __init__(self, key: bytes) -> None:
        self._key = hashlib.sha256(b"profiles-cursor:" + key).digest()

    def _sign(self, payload: bytes) -> str:
        digest = hmac.new(self._key, payload, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def encode(self, position: dict[str, Any], *, scope: str) -> str:
        """A cursor for `position`, valid only for listings of `scope`."""
        payload = json.dumps({"s": scope, "p": position}, separators=(",", ":")).encode()
        body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
        return f"{body}.{self._sign(payload)}"

    def decode(self, cursor: str, *, scope: str) -> dict[str, Any]:
        """The position in `cursor`, or `InvalidInput` if it was not issued for `scope`."""
        try:
            body, signature = cursor.split(".", 1)
            payload = base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True)
            if not hmac.compare_digest(signature, self._sign(payload)):
                raise ValueError("bad signature")
            decoded = json.loads(payload)
            if decoded["s"] != scope or not isinstance(decoded["p"], dict):
                raise ValueError("wrong scope")
            position: dict[str, Any] = decoded["p"]
            return position
        except (ValueError, KeyError, TypeError, binascii.Error) as error:
            raise invalid_cursor() from error
