"""The dance styles the app knows, and how a typed style is matched to one.

A style typed in any case, with or without accents or punctuation (`hip hop`,
`HIP-HOP`), is stored under the vocabulary's spelling (`Hip-Hop`); a style the
vocabulary does not know is kept as typed (trimmed): free text is allowed.
"""

from documents.derived.words import words

DANCE_STYLES = (
    "Acro",
    "Afro",
    "Afrobeats",
    "Ballet",
    "Ballroom",
    "Bachata",
    "Bollywood",
    "Breaking",
    "Burlesque",
    "Capoeira",
    "Cheer",
    "Commercial",
    "Contemporary",
    "Dancehall",
    "Flamenco",
    "Heels",
    "Hip-Hop",
    "House",
    "Irish",
    "Jazz",
    "Jazz Funk",
    "K-Pop",
    "Krump",
    "Latin",
    "Locking",
    "Lyrical",
    "Modern",
    "Musical Theatre",
    "Pole",
    "Popping",
    "Salsa",
    "Swing",
    "Tango",
    "Tap",
    "Tutting",
    "Vogue",
    "Waacking",
)

_BY_KEY = {" ".join(words(style)): style for style in DANCE_STYLES}


def canonical_style(style: str) -> str:
    """The vocabulary's spelling of `style`, or `style` trimmed when it is not known."""
    return _BY_KEY.get(" ".join(words(style)), style.strip())


def known_dance_styles() -> list[str]:
    """The vocabulary, alphabetically."""
    return sorted(DANCE_STYLES)
