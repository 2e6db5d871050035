"""Personal data out of a complaint before it is published: a suggestion, then a person's check.

A published PAKN answer shows what was asked and what was answered, never who asked: names, ID
numbers, phone numbers, e-mail addresses and home addresses are personal data (Nghị định
13/2023/NĐ-CP Điều 2; Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15) and publication is not needed for
the purpose. `suggest` replaces what it recognises with a bracketed placeholder; the reviewer edits
the result on the review page, and `personal_data_left` refuses a text in which the patterns (or
the sender's known names) still occur.

The patterns are deliberately greedy about numbers and cautious about words: a missed name is
what the reviewer is there for, a dossier code or an amount wrongly hidden costs little.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

NAME = "[họ tên]"
ID_NUMBER = "[số giấy tờ]"
PHONE = "[số điện thoại]"
EMAIL = "[thư điện tử]"
ADDRESS = "[địa chỉ]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 12-digit personal identification numbers and 9-digit former ID card numbers, also spaced out.
_ID = re.compile(r"(?<![\w.,])(?:\d[ .]?){11}\d(?![\w])|(?<![\w.,])\d{9}(?![\w])")
# Mobiles and landlines: 0 or +84, then 8–10 more digits, possibly grouped by spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\w.,+])(?:\+84|0)(?:[ .\-]?\d){8,10}(?![\w])")
# Forms of address that come before a person's name; the name is the capitalised words after it.
_HONORIFICS = (
    "tên tôi là|tôi tên là|tôi là|tên là|"
    "ông|bà|anh|chị|cô|chú|bác|em|cháu|cụ|dì|cậu|thím|mợ|"
    "đồng chí|cán bộ|chuyên viên|công chức|người dân|công dân|con trai|con gái|vợ|chồng|mẹ|bố|cha"
)
_NAMED = re.compile(
    rf"(?<!\w)(?P<lead>{_HONORIFICS})\s+(?P<rest>[^\s,.;:!?()]+(?:\s+[^\s,.;:!?()]+){{0,3}})", re.I
)
# Places smaller than a commune, and street addresses with a house number.
_LOCALITY = re.compile(
    r"(?<!\w)(?P<lead>số nhà|thôn|xóm|bản|ấp|khóm|khu phố|tổ dân phố|tổ|khối|ngõ|ngách|hẻm|kiệt)"
    r"\s+(?P<rest>[^\s,.;:!?()]+(?:\s+[^\s,.;:!?()]+){0,4})",
    re.I,
)
_HOUSE_NUMBER = re.compile(
    r"(?<!\w)(?:số\s+)?\d+[A-Za-z]?(?:/\d+)*\s*,?\s+(?:đường|phố|ngõ|ngách|hẻm|kiệt)"
    r"\s+[^\s,.;:!?()]+(?:\s+[^\s,.;:!?()]+){0,4}",
    re.I,
)


@dataclass(frozen=True)
class Finding:
    kind: str  # one of the placeholders
    text: str


def _capitalised_run(words: str, *, digits: bool) -> str:
    """The leading words of `words` that start with a capital letter (or are numbers)."""
    kept = []
    for word in words.split():
        first = word[0]
        if first.isupper() or (digits and first.isdigit()):
            kept.append(word)
        else:
            break
    return " ".join(kept)


def _findings(text: str, names: Iterable[str], addresses: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, placeholder) of every piece of personal data recognised, overlapping allowed."""
    spans: list[tuple[int, int, str]] = []
    for known, placeholder in ((names, NAME), (addresses, ADDRESS)):
        for value in {n.strip() for n in known if n and len(n.strip()) >= 3}:
            spans += [(m.start(), m.end(), placeholder) for m in re.finditer(re.escape(value), text, re.I)]
    for pattern, placeholder in (
        (_EMAIL, EMAIL),
        (_ID, ID_NUMBER),
        (_PHONE, PHONE),
        (_HOUSE_NUMBER, ADDRESS),
    ):
        spans += [(m.start(), m.end(), placeholder) for m in pattern.finditer(text)]
    for pattern, placeholder, digits in ((_NAMED, NAME, False), (_LOCALITY, ADDRESS, True)):
        for match in pattern.finditer(text):
            run = _capitalised_run(match["rest"], digits=digits)
            if run and not run.startswith("["):
                start = match.start("rest")
                spans.append((start, start + len(run), placeholder))
    return spans


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged: list[tuple[int, int, str]] = []
    for start, end, placeholder in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, placeholder))
    return merged


def suggest(text: str, *, names: Iterable[str] = (), addresses: Iterable[str] = ()) -> str:
    """The text with every recognised piece of personal data replaced by its placeholder.

    `names` and `addresses` are those egov knows (the sender's, the applicant's): found anywhere.
    """
    out, position = [], 0
    for start, end, placeholder in _merge(_findings(text, list(names), list(addresses))):
        out += [text[position:start], placeholder]
        position = end
    out.append(text[position:])
    return "".join(out)


def personal_data_left(
    text: str, *, names: Iterable[str] = (), addresses: Iterable[str] = ()
) -> list[Finding]:
    """What in the text still looks like personal data (empty when the text may be published)."""
    spans = _merge(_findings(text, list(names), list(addresses)))
    return [Finding(kind, text[start:end]) for start, end, kind in spans]
