"""`rankKey`: the order of a listing as one string, so that a page boundary is a single
range on one indexed field.

It is `<100 - completeness><spread><_id>`: completeness descending, then a spread of the
id (8 hex digits of a hash), then the id. The spread places the profiles of one
completeness evenly over a known key range whatever their ids (migrated profiles share a
few seconds of ObjectId time), so a reader can take the index a narrow key range at a
time (`service.search.tokens.windowed`).
"""

import hashlib

from bson import ObjectId

RANK_LEVELS = 101
"""`rankKey` starts with `100 - completeness` as three digits: 000 to 100."""
SPREAD_DIGITS = 8
"""Hex digits of the id's hash after the completeness digits."""


SPREAD_SPAN = 1 << (4 * SPREAD_DIGITS)
KEY_SPACE = RANK_LEVELS * SPREAD_SPAN
"""Positions of `rankKey` prefixes: level * SPREAD_SPAN + spread, from 0 to KEY_SPACE."""


def key_position(key: str) -> int:
    """The position of a `rankKey` (or of a window bound): its level and spread digits
    as one number; a key that does not parse counts from 0."""
    try:
        level = int(key[:3]) if key[:3] else 0
        spread = key[3 : 3 + SPREAD_DIGITS].ljust(SPREAD_DIGITS, "0")
        return min(max(level, 0), RANK_LEVELS) * SPREAD_SPAN + int(spread, 16)
    except ValueError:
        return 0


def key_at(position: int) -> str:
    """The smallest key string at `position`: every `rankKey` whose position is lower
    sorts before it, every other after or equal."""
    level, spread = divmod(position, SPREAD_SPAN)
    return f"{level:03d}{spread:0{SPREAD_DIGITS}x}"


def id_spread(profile_id: ObjectId) -> str:
    """Eight hex digits derived from the id, evenly distributed whatever the ids."""
    return hashlib.blake2b(profile_id.binary, digest_size=SPREAD_DIGITS // 2).hexdigest()


def rank_key(completeness: int, profile_id: ObjectId) -> str:
    """`rankKey`: ascending order is completeness descending, then the id's spread, then
    the id (unique)."""
    bounded = min(max(int(completeness), 0), 100)
    return f"{100 - bounded:03d}{id_spread(profile_id)}{profile_id}"
