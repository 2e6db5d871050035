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
