"""The public status lookup by dossier code: what the receipt's QR code opens.

ND 61/2018 Điều 17 khoản 3: the applicant looks the dossier up by its code. The lookup needs no
login, so it returns only facts about the procedure and its progress and never personal data
(Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15; vn-standards.md checklist item 21): no applicant,
owner, ID number, address, phone, e-mail, notes or people handling it.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest

from egov.core import ratelimit
from egov.core.db import CompiledRead
from egov.dossiers.models import Dossier, Status
from egov.procedures.models import ProcessStep

MAX_CODE_LENGTH = 48  # Dossier.code's max_length
LOOKUP_WINDOW_SECONDS = 60


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the code may know about a dossier."""

    code: str
    procedure_code: str
    procedure_name: str
    status: int
    status_label: str
    step_name: str
    receiving_unit: str
    due_at: dt.datetime | None
    received_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None


def normalise_code(raw: str) -> str:
    """Codes are printed upper-case; people type them with spaces or in lower case."""
    return "".join(raw.split()).upper()[:MAX_CODE_LENGTH]


def _public_row(code: str) -> QuerySet[Any, Any]:
    # Steps are numbered 1..n by position (procedures.services import), as the dossier's current_step.
    # One step matches (version, position); no ordering, so the planner adds no join or sort.
    step_name = (
        ProcessStep.objects.filter(version=OuterRef("procedure_version"), position=OuterRef("current_step"))
        .order_by()
        .values("name")[:1]
    )
    # No ordering either: the code is unique.
    return (
        Dossier.objects.filter(code=code)
        .annotate(step_name=Subquery(step_name))
        .order_by()
        .values(
            "code",
            "procedure__code",
            "procedure_version__name",
            "status",
            "step_name",
            "receiving_unit__name",
            "due_at",
            "received_at",
            "resolved_at",
            "returned_at",
            "closed_at",
        )[:1]
    )


# The public lookup is the busiest read of the portal: its SQL is built once (egov.core.db).
_PUBLIC_ROW = CompiledRead(_public_row, "\x00code")


def public_status(code: str) -> PublicStatus | None:
    """The public facts of the dossier with this code, or None. One query.

    Only the listed columns are read (`values()`), so personal data never leaves the database
    for this page.
    """
    code = normalise_code(code)
    if not code:
        return None
    rows = _PUBLIC_ROW.rows(code)
    row = rows[0] if rows else None
    if row is None:
        return None
    status = Status(row["status"])
    # The step is only meaningful while the dossier moves through its process.
    open_steps = status in (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.RESOLVED)
    return PublicStatus(
        code=row["code"],
        procedure_code=row["procedure__code"],
        procedure_name=row["procedure_version__name"],
        status=int(status),
        status_label=str(status.label),
        step_name=(row["step_name"] or "") if open_steps else "",
        receiving_unit=row["receiving_unit__name"],
        due_at=row["due_at"],
        received_at=row["received_at"],
        finished_at=row["resolved_at"] or row["closed_at"],
        returned_at=row["returned_at"],
    )


def throttle_lookup(request: HttpRequest) -> int | None:
    """Count one lookup of the client; None when allowed, else the seconds to wait (Retry-After)."""
    return ratelimit.hit(
        "dossier-lookup",
        ratelimit.client_ip(request),
        limit=settings.EGOV_LOOKUP_LIMIT_PER_MINUTE,
        window_seconds=LOOKUP_WINDOW_SECONDS,
    )
