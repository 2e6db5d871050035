"""Vietnamese text folding: the one rule that makes search accent-insensitive.

"Đăng ký khai sinh" and "dang ky khai sinh" fold to the same string, on every database,
so the folded copy can be stored beside the text and indexed (docs/decisions/0002).
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# đ/Đ are letters of their own, not d + a combining mark, so NFD does not split them.
_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics and collapse white space."""
    text = text.translate(_LETTERS_WITHOUT_DECOMPOSITION)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def search_terms(query: str, *, limit: int = 8) -> list[str]:
    """Split a user's query into folded terms, ignoring punctuation; at most `limit` terms."""
    folded = re.sub(r"[^\w.]+", " ", fold(query))
    return [term for term in folded.split(" ") if term][:limit]


# Vietnamese alphabetical order (a ă â b c d đ e ê … o ô ơ … u ư …): a letter's breve, circumflex
# or horn makes another letter, sorted after the plain one; the five tone marks only break ties.
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def collation_key(text: str) -> tuple[tuple[tuple[str, int], ...], tuple[int, ...], str]:
    """A sort key that puts Vietnamese names in dictionary order ("Đồng Hỷ" after "Dương", before "Êa")."""
    letters: list[tuple[str, int]] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if ch in _LETTER_MARKS and letters:
            letters[-1] = (letters[-1][0], _LETTER_MARKS[ch])
        elif ch in _TONES:
            tones.append(_TONES[ch])
        elif not unicodedata.combining(ch):
            letters.append(("d", 4) if ch == "đ" else (ch, 0))
            tones.append(0)
    return tuple(letters), tuple(tones), text
