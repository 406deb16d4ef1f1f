"""One-typo matching for the second search pass: words of five letters or more may
differ from a word of the profile (or the start of one) by one edit.

Index side: every word of five letters or more stores the one-letter deletions of its
first five letters (`~` + four letters). Query side, a word `q` of five letters or more
has as candidates the documents holding any of: `q[:5]` (the typo is later), a deletion
of `q[:5]` marked `~` (a substitution, or a missing or extra letter, within the first
five), or a deletion of `q[:5]` as a plain prefix (an extra letter, intended word of four
letters). That set contains every true match; `within_one_edit` then decides exactly.
"""

from collections.abc import Iterable

MIN_TYPO_LENGTH = 5
TYPO_MARK = "~"


def deletions(word: str) -> set[str]:
    """`word` with one letter removed, every way."""
    return {word[:index] + word[index + 1 :] for index in range(len(word))}


def typo_tokens(word: str) -> set[str]:
    """What a stored word contributes for typo lookups (nothing under five letters)."""
    if len(word) < MIN_TYPO_LENGTH:
        return set()
    return {TYPO_MARK + variant for variant in deletions(word[:MIN_TYPO_LENGTH])}


def typo_candidates(query_word: str) -> tuple[str, ...]:
    """The tokens whose documents may hold `query_word` with one typo (sorted)."""
    head = query_word[:MIN_TYPO_LENGTH]
    variants = deletions(head)
    return tuple(sorted({head, *variants, *(TYPO_MARK + variant for variant in variants)}))


def _distance_at_most_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    index = 0
    while index < len(a) and a[index] == b[index]:
        index += 1
    if len(a) == len(b):
        return a[index + 1 :] == b[index + 1 :]
    return a[index:] == b[index + 1 :]


def within_one_edit(query_word: str, stored_words: Iterable[str]) -> bool:
    """True when some stored word, or the start of one, is `query_word` with at most one
    letter substituted, added or missing."""
    size = len(query_word)
    for word in stored_words:
        for length in (size - 1, size, size + 1):
            if 0 < length <= len(word) and _distance_at_most_one(query_word, word[:length]):
                return True
    return False
