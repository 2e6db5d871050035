"""How a unit is named on what it issues: its authority name, its place, its header, its signer.

One place for the rules, so a receipt, a result, a seal and a certificate name a unit alike.
A commune is stored as the administrative division it governs ("Xã Đồng Hỷ"); the authority that
issues papers there is its people's committee ("Ủy ban nhân dân xã Đồng Hỷ", "UBND xã Đồng Hỷ").
The province may be stored either way ("Tỉnh Thái Nguyên" or "Ủy ban nhân dân tỉnh Thái Nguyên").
Other units (a Sở, the service centre, a division) are named as stored.
"""

from collections.abc import Sequence

from egov.organization.models import Unit

COMMITTEE = "Ủy ban nhân dân"
COMMITTEE_SHORT = "UBND"
# Kinds of administrative division (Luật Tổ chức chính quyền địa phương 2025 Điều 2; the former
# district level is kept for historic units). Two-word kinds first so "Thị xã" is not read as "xã".
DIVISION_KINDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Tỉnh", "Phường", "Huyện", "Quận", "Xã")
# Where the competence of a people's committee comes from, cited first on what it decides.
LOCAL_GOVERNMENT_LAW = "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _split_division(text: str) -> tuple[str, str] | None:
    """("Xã", "Đồng Hỷ") for "Xã Đồng Hỷ" or "xã Đồng Hỷ"; None when the text names no division."""
    folded = text.casefold()
    for kind in DIVISION_KINDS:
        if folded.startswith(kind.casefold() + " ") and text[len(kind) + 1 :].strip():
            return kind, text[len(kind) + 1 :].strip()
    return None


def division_name(unit: Unit) -> str:
    """The administrative division the unit governs ("Xã Đồng Hỷ", "Tỉnh Thái Nguyên"); "" if none.

    A unit governs a division when it is the division's people's committee: stored under the
    division's name, or under the committee's name.
    """
    name = unit.name.strip()
    for prefix in (COMMITTEE, COMMITTEE_SHORT):
        if name.casefold().startswith(prefix.casefold() + " "):
            name = name[len(prefix) + 1 :].strip()
            break
    parts = _split_division(name)
    return f"{parts[0]} {parts[1]}" if parts else ""


def is_committee(unit: Unit) -> bool:
    """The unit is a people's committee (collective leadership: its leaders sign "TM.")."""
    return bool(division_name(unit))


def authority_name(unit: Unit) -> str:
    """The name the unit issues under: "Ủy ban nhân dân xã Đồng Hỷ", "Sở Tư pháp"."""
    division = division_name(unit)
    return f"{COMMITTEE} {_lower_first(division)}" if division else unit.name


def short_authority_name(unit: Unit) -> str:
    """The abbreviated authority name ND 30/2020 Phụ lục I allows: "UBND xã Đồng Hỷ", "Sở Tư pháp"."""
    division = division_name(unit)
    return f"{COMMITTEE_SHORT} {_lower_first(division)}" if division else unit.name


def header_name(unit: Unit) -> str:
    """The issuing body as ô 2 sets it, a committee on two lines: "Ủy ban nhân dân\\nxã Đồng Hỷ"."""
    division = division_name(unit)
    return f"{COMMITTEE}\n{_lower_first(division)}" if division else unit.name


def place_name(unit: Unit, ancestors: Sequence[Unit] = ()) -> str:
    """ND 30/2020 Phụ lục I ô 4: the division where the issuer sits, by its proper name.

    A commune's own units write the commune ("Đồng Hỷ"), a Sở or the province's centre the
    province ("Thái Nguyên"); a division named by a number keeps its kind ("Phường 1").
    `ancestors` are the unit's ancestors (any order); without them the parent chain is read.
    """
    chain = [unit, *sorted(ancestors, key=lambda a: -a.depth)] if ancestors else _chain(unit)
    for candidate in chain:
        division = division_name(candidate)
        if division:
            parts = _split_division(division)
            assert parts is not None
            _kind, proper = parts
            return division if proper.replace(" ", "").isdigit() else _upper_first(proper)
    return unit.name


def governing_name(unit: Unit, parent: Unit | None) -> str:
    """Ô 2's first line, the governing body: none above a people's committee (it answers to the
    council of its own division), otherwise the parent, a committee abbreviated ("UBND tỉnh …")."""
    if parent is None or is_committee(unit):
        return ""
    return short_authority_name(parent)


def competence_basis(unit: Unit) -> str:
    """The law or decision that gives the unit its competence, cited before the procedure's bases."""
    if unit.competence_basis.strip():
        return unit.competence_basis.strip()
    return LOCAL_GOVERNMENT_LAW if is_committee(unit) else ""


def _head_title(position: str) -> str:
    """The position as the signature block writes it: "Chủ tịch UBND xã" → "Chủ tịch"."""
    title = position.strip()
    for marker in (f" {COMMITTEE_SHORT}", f" {COMMITTEE}", " Sở", " Trung tâm", " xã", " phường", " tỉnh"):
        index = title.find(marker)
        if index > 0:
            title = title[:index]
    return title.strip()


def signature_lines(unit: Unit, position: str) -> tuple[str, str]:
    """(authority, position) of ô 7a–7b (ND 30/2020 Điều 13, Phụ lục I II.7).

    A committee's head signs "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", a deputy "TM. ỦY BAN NHÂN DÂN
    KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"; in a unit led by its head, the head signs under his title and a
    deputy "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC".
    """
    title = _head_title(position)
    deputy = title.casefold().startswith("phó ")
    head = _upper_first(title[4:]) if deputy else title
    lines = []
    if is_committee(unit):
        lines.append(f"TM. {COMMITTEE}")
    if deputy and head:
        lines.append(f"KT. {head}")
    return "\n".join(lines).upper(), title.upper()


def _chain(unit: Unit) -> list[Unit]:
    ancestors = {a.pk: a for a in Unit.objects.filter(pk__in=unit.ancestor_ids())}
    return [
        unit,
        *(ancestors[pk] for pk in reversed(unit.ancestor_ids()) if pk in ancestors and pk != unit.pk),
    ]
