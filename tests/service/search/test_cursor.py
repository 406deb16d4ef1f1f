"""Paging cursors: opaque, signed, bound to one listing and one backend; anything else is
a 422."""

import base64
import json
import re
from collections.abc import Callable

import pytest

from service.platform.caller import Caller
from service.platform.errors import InvalidInput
from service.search.backend import BackendPage, Position, SearchStats
from service.search.cursor import CursorCodec
from service.search.discovery import search_profiles
from service.search.query import SearchQuery

KEY = b"cursor-key-of-the-tests-0123456789abcdef"
SCOPE = "dancers:search"
POSITION = {"rank": 2, "completeness": 87, "id": "6b0667d8283c583f1f749397"}


def encode_payload(payload: dict[str, object]) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_payload(body: str) -> dict[str, object]:
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return decoded


def tampered_payload(cursor: str) -> str:
    body, signature = cursor.split(".")
    payload = decode_payload(body)
    payload["p"] = {**POSITION, "completeness": 0}
    return f"{encode_payload(payload)}.{signature}"


def rescoped_payload(cursor: str) -> str:
    body, signature = cursor.split(".")
    return f"{encode_payload({**decode_payload(body), 's': 'choreographers:search'})}.{signature}"


def flipped_signature(cursor: str) -> str:
    body, signature = cursor.split(".")
    last = "A" if signature[-1] != "A" else "B"
    return f"{body}.{signature[:-1]}{last}"


def truncated_signature(cursor: str) -> str:
    return cursor[:-2]


def borrowed_signature(cursor: str) -> str:
    other = CursorCodec(KEY).encode({**POSITION, "rank": 3}, scope=SCOPE)
    return f"{cursor.split('.')[0]}.{other.split('.')[1]}"


def other_scope(cursor: str) -> str:
    return CursorCodec(KEY).encode(POSITION, scope="choreographers:search")


def other_key(cursor: str) -> str:
    return CursorCodec(b"another-key-of-the-tests-0123456789abcdef").encode(POSITION, scope=SCOPE)


def garbage(text: str) -> Callable[[str], str]:
    return lambda cursor: text


BAD_CURSORS: dict[str, Callable[[str], str]] = {
    "tampered payload": tampered_payload,
    "payload moved to another scope": rescoped_payload,
    "tampered signature": flipped_signature,
    "truncated signature": truncated_signature,
    "signature of another cursor": borrowed_signature,
    "no signature": lambda cursor: cursor.split(".")[0],
    "other scope": other_scope,
    "other key": other_key,
    "empty": garbage(""),
    "word": garbage("garbage"),
    "dots": garbage("..."),
    "not base64": garbage("!!!.???"),
    "non-ascii": garbage("é.é"),
    "signed-looking junk": garbage("eyJzIjoxfQ.AAAAAAAAAAAAAAAAAAAAAA"),
}


@pytest.fixture
def codec() -> CursorCodec:
    return CursorCodec(KEY)


def test_round_trip(codec: CursorCodec) -> None:
    cursor = codec.encode(POSITION, scope=SCOPE)

    assert codec.decode(cursor, scope=SCOPE) == POSITION


def test_a_new_codec_with_the_same_key_accepts_the_cursor(codec: CursorCodec) -> None:
    cursor = codec.encode(POSITION, scope=SCOPE)

    assert CursorCodec(KEY).decode(cursor, scope=SCOPE) == POSITION


def test_cursor_is_url_safe(codec: CursorCodec) -> None:
    cursor = codec.encode({"name": "Inès / Müller?&=", "n": 1.5}, scope=SCOPE)

    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", cursor)


@pytest.mark.parametrize("spoil", BAD_CURSORS.values(), ids=BAD_CURSORS.keys())
def test_bad_cursors_are_invalid_input(codec: CursorCodec, spoil: Callable[[str], str]) -> None:
    bad = spoil(codec.encode(POSITION, scope=SCOPE))

    with pytest.raises(InvalidInput) as raised:
        codec.decode(bad, scope=SCOPE)

    assert raised.value.status_code == 422
    assert raised.value.extra["errors"][0]["field"] == "cursor"


async def test_a_cursor_of_another_backend_is_refused_before_any_read() -> None:
    """A rolling deploy, or pods configured differently: a `tokens` cursor sent to a
    process on the `text` backend (and back) is a 422, never a 500, and reads nothing."""

    class Named:
        def __init__(self, name: str) -> None:
            self.name = name
            self.searched = 0

        async def search(
            self, query: SearchQuery, position: Position | None, stats: SearchStats
        ) -> BackendPage:
            self.searched += 1
            return BackendPage([], {"m": "strict", "l": 0, "k": "050"})

    codec = CursorCodec(KEY)
    tokens, text = Named("tokens"), Named("text")
    query = SearchQuery(kinds=("dancer",), text="gina")
    first = await search_profiles(Caller("reader"), query, codec, tokens)
    assert first.next_cursor is not None
    follow = SearchQuery(kinds=("dancer",), text="gina", cursor=first.next_cursor)
    with pytest.raises(InvalidInput):
        await search_profiles(Caller("reader"), follow, codec, text)
    assert text.searched == 0
    again = await search_profiles(Caller("reader"), follow, codec, tokens)
    assert again.next_cursor is not None and tokens.searched == 2
