"""The result drafted from the template (services.generate_result), filled from the dossier's data.

ND 30/2020 Điều 8 and Phụ lục I: the issuing authority and its place, "Căn cứ" lines for the
basis of its competence and every substantive legal basis of the procedure version (not the
fee rules: what is charged is not what is granted), the result named as issued (the e-form's
choice among the catalogue's alternatives), laid out as a decision or as the paper issued, whom
the result is for (the e-form's subject, e.g. the child of a birth registration, not the person
who filed it), and
the signer's authority prefix, position and name. The register number is given when the result is
issued in the official-documents register; until then the draft says "Số: …/…" plainly.
"""

import datetime as dt
import re
from typing import Any, Literal

from django.utils import timezone

from egov.dossiers.models import Dossier
from egov.organization import naming
from egov.organization.models import Membership, Role, Unit

UNNUMBERED = "…"


def legal_bases(text: str) -> list[str]:
    """Each legal basis of a procedure version (the catalogue separates them with ";")."""
    return [part.strip().rstrip(".") for part in text.replace("\n", ";").split(";") if part.strip()]


# Luật Phí và lệ phí 2015 Điều 4 (khoản 2, 3): the Ministry of Finance and the provincial People's
# Council set fees. Their circulars and resolutions on a procedure are its fee rules, which decide
# what is charged, not what is granted: a result does not cite them.
_FEE_BASIS = re.compile(r"(?<!kinh )(?<!chi )\b(lệ phí|phí)\b|TT-BTC\b", re.IGNORECASE)
# A result that is itself a decision (Quyết định …) is laid out as one; the others are papers the
# authority issues (Giấy khai sinh, Trích lục, Giấy phép, Phiếu lý lịch tư pháp, …).
ResultKind = Literal["decision", "paper"]
NEUTRAL_TITLE = "Kết quả giải quyết thủ tục hành chính"


def is_fee_basis(basis: str) -> bool:
    """A legal basis that only sets the procedure's fee (a TT-BTC circular, an HĐND fee resolution)."""
    return bool(_FEE_BASIS.search(basis))


def substantive_bases(text: str) -> list[str]:
    """The bases a result cites: the laws on the matter, without the fee regulations."""
    return [basis for basis in legal_bases(text) if not is_fee_basis(basis)]


def _alternatives(result: str) -> list[str]:
    """The catalogue's result names, without what follows ";" or "(": "A hoặc B" gives [A, B]."""
    first = result.split(";")[0].split("(")[0].strip()
    return [part.strip() for part in re.split(r"\s+hoặc\s+", first) if part.strip()]


def result_title(result: str, chosen: str = "") -> str:
    """The name of the result issued: the e-form's choice, the catalogue's only result, or what
    its alternatives have in common ("Phiếu lý lịch tư pháp"), never "A hoặc B"."""
    if chosen:
        return chosen
    options = _alternatives(result)
    if len(options) == 1:
        return options[0]
    words = [option.split() for option in options]
    common: list[str] = []
    for column in zip(*words, strict=False):
        if any(word.casefold() != column[0].casefold() for word in column):
            break
        common.append(column[0])
    while common and common[-1].casefold() in {"số", "của", "và", "về", "cho"}:
        common.pop()
    return " ".join(common) if len(common) >= 2 else NEUTRAL_TITLE


def result_kind(title: str) -> ResultKind:
    return "decision" if title.casefold().startswith("quyết định") else "paper"


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def _form_answers(dossier: Dossier) -> dict[str, Any]:
    event = dossier.events.filter(kind="submitted_online").only("data").first()
    return dict(event.data.get("form", {})) if event else {}


def _shown_value(field: dict[str, Any], value: object) -> str:
    if field.get("type") == "date" and isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if field.get("type") == "checkbox":
        return "Có" if value in (True, "on", "true") else "Không"
    return str(value)


def _signer(unit: Unit) -> tuple[str, str]:
    """(position, name) of who signs for the unit: its head, or a deputy when there is no head."""
    leaders = list(
        Membership.objects.current().filter(unit=unit, role=Role.LEADER).select_related("user").order_by("pk")
    )
    leaders.sort(key=lambda m: m.position_title.casefold().startswith("phó "))
    if not leaders:
        return ("Chủ tịch" if naming.is_committee(unit) else "Thủ trưởng cơ quan"), ""
    head = leaders[0]
    title = head.position_title or ("Chủ tịch" if naming.is_committee(unit) else "Thủ trưởng cơ quan")
    return title, head.user.display_name


def result_context(dossier: Dossier, *, note: str = "") -> dict[str, Any]:
    """What result.html prints, from the dossier, its e-form, the catalogue and the unit tree."""
    version = dossier.procedure_version
    unit = dossier.competent_unit
    parent = unit.parent
    schema_fields = list((version.form_schema or {}).get("fields") or [])
    answers = _form_answers(dossier)
    subject_field = next(
        (
            field
            for field in schema_fields
            if field.get("result") == "subject" and str(answers.get(field["name"], "")).strip()
        ),
        None,
    )
    subject = str(answers[subject_field["name"]]).strip() if subject_field else ""
    shown = [
        (field["label"], _shown_value(field, answers[field["name"]]))
        for field in schema_fields
        if field.get("result") == "shown" and str(answers.get(field["name"], "")).strip()
    ]
    chosen = next(
        (
            str(answers[field["name"]]).strip()
            for field in schema_fields
            if field.get("result") == "title" and str(answers.get(field["name"], "")).strip()
        ),
        "",
    )
    title = result_title(version.result, chosen) if version.result.strip() else version.name
    person = dossier.applicant_kind == Dossier.ApplicantKind.PERSON
    applicant = f"Ông/Bà {dossier.applicant_name}" if person else dossier.applicant_name
    position, signer_name = _signer(unit)
    authority, position_line = naming.signature_lines(unit, position)
    bases = [naming.competence_basis(unit), *substantive_bases(version.legal_basis)]
    return {
        "issuer": naming.header_name(unit),
        "issuer_name": naming.authority_name(unit),
        "issuer_parent": naming.governing_name(unit, parent),
        "number": UNNUMBERED,
        "symbol": UNNUMBERED,
        "place": naming.place_name(unit),
        "date": timezone.localdate(),
        "result_title": title,
        "result_kind": result_kind(title),
        # "Quyết định hỗ trợ chi phí mai táng" decides "hỗ trợ chi phí mai táng" (its "Về việc").
        "decision_matter": (
            (title[len("Quyết định") :].strip() or version.name) if result_kind(title) == "decision" else ""
        ),
        "procedure": version.name,
        "legal_bases": [basis for basis in bases if basis],
        "dossier_code": dossier.code,
        "received_at": _local(dossier.received_at),
        "applicant": applicant,
        "id_number": dossier.applicant_id_number,
        "address": dossier.applicant_address,
        # Whom the result is for: the e-form's subject, else the applicant (or the dossier's owner).
        "subject": subject or dossier.owner_name or dossier.applicant_name,
        "subject_is_applicant": not subject,
        "subject_label": subject_field["label"] if subject_field else "",
        "shown": shown,
        "note": note,
        "signer_authority": authority,
        "signer_position": position_line,
        "signer_name": signer_name,
        "recipients": [applicant, "Lưu: VT"],
    }
