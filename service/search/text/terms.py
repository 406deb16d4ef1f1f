"""Words and terms as mongod's English text index makes them (text index version 3).

mongod (`fts_unicode_tokenizer.cpp`) splits a text on delimiters, lower-cases each word
(simple Unicode case folding), drops MongoDB's English stop words, stems what is left with
the Snowball English stemmer (libstemmer "english") and then removes diacritics. The
result is a term: the index holds the terms of a document, a `$text` query the terms of
its words, and a document matches a term when it holds it. This module does the same in
Python, so the `text` backend can check that a document holds *every* term of a query
(`$text` itself matches any of them).

Delimiters: in English, whitespace and ASCII punctuation except the apostrophe (`O'Brien`
is one word, `k-pop` two; `_` is part of a word), and beyond ASCII the characters of the
Unicode properties mongod lists (White_Space, Pattern_Syntax, Dash, Hyphen,
Quotation_Mark, Terminal_Punctuation; the last two approximated by the punctuation
categories). Case and diacritics are folded per character, as mongod does; stemming comes
before diacritic removal (`résumés` stems to `résumé`, then `resume`). This is not the
`tokens` backend's folding (`documents.derived.words`), which splits on every non-letter
and removes accents before anything else.
"""

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from snowballstemmer.english_stemmer import EnglishStemmer

from service.search.text.stop_words import ENGLISH_STOP_WORDS

INDEXED_FIELDS = ("displayName", "companyName", "resume.danceStyles", "workLocation")
"""The fields of the text index of migration 0007."""

_ASCII_DELIMITERS = frozenset('\t\n\x0b\x0c\r !"#$%&()*+,-./:;<=>?@[\\]^`{|}~')
_PATTERN_SYNTAX = (
    (0x00A1, 0x00A7), (0x00A9, 0x00A9), (0x00AB, 0x00AC), (0x00AE, 0x00AE),
    (0x00B0, 0x00B1), (0x00B6, 0x00B6), (0x00BB, 0x00BB), (0x00BF, 0x00BF),
    (0x00D7, 0x00D7), (0x00F7, 0x00F7), (0x2010, 0x2027), (0x2030, 0x203E),
    (0x2041, 0x2053), (0x2055, 0x205E), (0x2190, 0x245F), (0x2500, 0x2775),
    (0x2794, 0x2BFF), (0x2E00, 0x2E7F), (0x3001, 0x3003), (0x3008, 0x3020),
    (0x3030, 0x3030), (0xFD3E, 0xFD3F), (0xFE45, 0xFE46),
)  # fmt: skip
_OTHER_DELIMITERS = frozenset("\u0085\u00a0\u00ad\u1680\u2028\u2029\u202f\u205f\u3000\u30fb")
_PUNCTUATION = frozenset({"Pd", "Pi", "Pf", "Po"})
_MIDDLE_DOT = "\u00b7"


def is_delimiter(char: str) -> bool:
    """Whether mongod's English tokenizer splits words at `char`."""
    code = ord(char)
    if code < 0x80:
        return char in _ASCII_DELIMITERS
    if char == _MIDDLE_DOT:
        return False  # punctuation, but a diacritic to mongod: removed, not split at
    if char in _OTHER_DELIMITERS or 0x2000 <= code <= 0x200A:
        return True
    if any(low <= code <= high for low, high in _PATTERN_SYNTAX):
        return True
    return unicodedata.category(char) in _PUNCTUATION


def split(text: str) -> Iterator[str]:
    """The words of `text`, as typed (mongod's delimiters between them)."""
    word: list[str] = []
    for char in text:
        if is_delimiter(char):
            if word:
                yield "".join(word)
                word = []
        else:
            word.append(char)
    if word:
        yield "".join(word)


def _lower(char: str) -> str:
    # simple case folding: one character to one (`ß` stays `ß`; full folding makes `ss`)
    for folded in (char.casefold(), char.lower()):
        if len(folded) == 1:
            return folded
    return char


def _strip_diacritics(char: str) -> str:
    if unicodedata.combining(char) or unicodedata.category(char) == "Sk" or char == _MIDDLE_DOT:
        return ""  # a diacritic on its own
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    base = unicodedata.normalize("NFC", base)
    return base if len(base) == 1 else char


_STEMMER = EnglishStemmer()


@lru_cache(maxsize=16384)
def term(word: str) -> str | None:
    """The index term of one word, None for a stop word."""
    lowered = "".join(_lower(char) for char in word)
    if lowered in ENGLISH_STOP_WORDS:
        return None
    stem: str = _STEMMER.stemWord(lowered)
    return "".join(_strip_diacritics(char) for char in stem)


def terms_of(texts: Iterable[str]) -> set[str]:
    """Every term of `texts` (what the text index holds for them)."""
    return {t for text in texts for word in split(text) if (t := term(word)) is not None}


@dataclass(frozen=True)
class QueryTerms:
    """What a `q` asks of the text index: the words to send (stop words left out, one
    per term) and their terms, every one of which a match must hold."""

    words: tuple[str, ...]
    terms: frozenset[str]

    @property
    def search(self) -> str:
        """The `$search` string: the words, space-separated and unquoted (no word holds a
        delimiter, so none can be read as a phrase `"` or a negation `-`)."""
        return " ".join(self.words)


def query_terms(text: str) -> QueryTerms:
    """The words and terms of a query text."""
    words: dict[str, str] = {}
    for word in split(text):
        found = term(word)
        if found is not None and found not in words:
            words[found] = word
    return QueryTerms(tuple(words.values()), frozenset(words))


def _values(node: Any, path: list[str]) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _values(item, path)
    elif not path:
        if isinstance(node, str):
            yield node
    elif isinstance(node, dict):
        yield from _values(node.get(path[0]), path[1:])


def indexed_text(document: dict[str, Any]) -> list[str]:
    """The strings of a document that its text index entry is made of."""
    return [value for field in INDEXED_FIELDS for value in _values(document, field.split("."))]


def holds_every_term(query: QueryTerms, document: dict[str, Any]) -> bool:
    """Whether `document` holds every term of `query` (the check `$text` leaves to us)."""
    return query.terms <= terms_of(indexed_text(document))
