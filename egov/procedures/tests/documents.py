"""Small egov-catalogue/1 documents for the tests, and a canonical dump of the catalogue."""

import copy
from typing import Any

from egov.core.models import AuditEntry
from egov.procedures.models import (
    Component,
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
    Sector,
)

MODELS = (Sector, PublicationDecision, Procedure, ProcedureVersion, Component, Fee, ProcessStep)


def entry(code: str, change: str = "new", **overrides: Any) -> dict[str, Any]:
    """A valid procedure entry (1 working day = 8 h of steps) with the given fields replaced."""
    if change == "abolished":
        return {"code": code, "change": "abolished", **overrides}
    data: dict[str, Any] = {
        "code": code,
        "change": change,
        "replaces": None,
        "name": f"Đăng ký khai sinh {code}",
        "sector": {"code": "HOTICH", "name": "Hộ tịch"},
        "levels": ["commune"],
        "competent_authority": "Ủy ban nhân dân cấp xã",
        "applicant_types": ["citizen"],
        "time_limit": {"value": "1", "unit": "working_days"},
        "fees": [{"description": "Lệ phí đăng ký khai sinh", "amount": 8000}],
        "components": [
            {
                "name": "Tờ khai đăng ký khai sinh theo mẫu",
                "originals": 1,
                "certified_copies": 0,
                "copies": 0,
                "form": "Mẫu TP/HT-2020-KS.1",
                "required": True,
            },
            {"name": "Giấy chứng sinh", "originals": 1, "required": False},
        ],
        "steps": [
            {"name": "Tiếp nhận, kiểm tra hồ sơ", "role": "desk_officer", "hours": "1"},
            {"name": "Thẩm định hồ sơ", "role": "specialist", "hours": "5"},
            {"name": "Phê duyệt, ký kết quả", "role": "leader", "hours": "1.5"},
            {"name": "Trả kết quả", "role": "desk_officer", "hours": "0.5"},
        ],
        "legal_basis": "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP",
        "result": "Giấy khai sinh (bản chính)",
        "online_level": "full",
        "where_to_submit": "Trung tâm Phục vụ hành chính công cấp xã",
        "conditions": "",
    }
    data.update(copy.deepcopy(overrides))
    return data


def decision(number: str, *entries: dict[str, Any], date: str = "2025-07-15") -> dict[str, Any]:
    return {
        "number": number,
        "date": date,
        "effective_from": date,
        "issuer": "UBND tỉnh Thái Nguyên",
        "title": f"Về việc công bố danh mục thủ tục hành chính ({number})",
        "procedures": list(entries),
    }


def document(*decisions: dict[str, Any]) -> dict[str, Any]:
    return {"format": "egov-catalogue/1", "decisions": list(decisions)}


def row_counts() -> dict[str, int]:
    """How many rows each catalogue model (and the audit log) holds."""
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["AuditEntry"] = AuditEntry.objects.count()
    return counts


def in_force_dump() -> list[dict[str, Any]]:
    """The procedures in force with everything they require, independent of ids and numbering."""
    dump = []
    versions = ProcedureVersion.objects.in_force().select_related(
        "procedure", "sector", "decision", "competent_unit"
    )
    for v in versions.order_by("procedure__code"):
        d = v.decision
        dump.append(
            {
                "code": v.procedure.code,
                "decision": [d.number, d.signed_on, d.effective_from, d.issuer, d.title],
                "name": v.name,
                "sector": [v.sector.code, v.sector.name],
                "levels": v.levels,
                "competent_authority": v.competent_authority,
                "competent_unit": v.competent_unit.identifier if v.competent_unit else None,
                "applicant_types": v.applicant_types,
                "time_limit": [v.time_limit_value, v.time_limit_unit],
                "legal_basis": v.legal_basis,
                "result": v.result,
                "conditions": v.conditions,
                "online_level": v.online_level,
                "where_to_submit": v.where_to_submit,
                "search_text": v.search_text,
                "components": list(
                    v.components.order_by("position").values_list(
                        "position",
                        "name",
                        "originals",
                        "certified_copies",
                        "copies",
                        "form",
                        "is_required",
                    )
                ),
                "fees": list(v.fees.order_by("position").values_list("position", "description", "amount")),
                "steps": list(
                    v.steps.order_by("position").values_list(
                        "position", "name", "role", "performer", "unit__identifier", "hours"
                    )
                ),
            }
        )
    return dump


def wipe_catalogue() -> None:
    """Empty every catalogue table, as in a fresh database."""
    Procedure.objects.update(current_version=None, replaced_by=None)
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    PublicationDecision.objects.all().delete()
    Sector.objects.all().delete()
