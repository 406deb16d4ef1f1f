"""Search tokens derived from a profile on every write.

Words of the display name, company, dance styles and work locations, case- and
accent-folded, split on anything that is not a letter or digit, plus every prefix of
each word from one letter. Exact words are marked with a leading `=` so a ranking can
prefer a whole-word match over a prefix.
"""

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_SPLIT = re.compile(r"[^\w]+|_", re.UNICODE)
MAX_WORD_LENGTH = 32


def fold(text: str) -> str:
    """Lower-case `text` and strip accents (`Müller` -> `muller`, `Inès` -> `ines`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of `text` (`k-pop` -> `k`, `pop`)."""
    return [word for word in _SPLIT.split(fold(text)) if word]


def tokens_for_words(all_words: Iterable[str]) -> list[str]:
    """Every prefix of every word, and every whole word marked with `=`; sorted, unique."""
    tokens: set[str] = set()
    for word in all_words:
        word = word[:MAX_WORD_LENGTH]
        tokens.add("=" + word)
        tokens.update(word[:end] for end in range(1, len(word) + 1))
    return sorted(tokens)


def searchable_text(profile: dict[str, Any]) -> list[str]:
    """The texts of a profile that search looks at."""
    texts: list[str] = []
    for key in ("displayName", "companyName"):
        value = profile.get(key)
        if isinstance(value, str):
            texts.append(value)
    resume = profile.get("resume")
    if isinstance(resume, dict):
        texts.extend(s for s in resume.get("danceStyles") or [] if isinstance(s, str))
    texts.extend(s for s in profile.get("workLocation") or [] if isinstance(s, str))
    return texts


def search_tokens(profile: dict[str, Any]) -> list[str]:
    """The `searchTokens` of a profile given as a plain dict of its fields."""
    return tokens_for_words(word for text in searchable_text(profile) for word in words(text))
