"""The documents a dossier holds: its papers and its result.

A document linked to a dossier is dedicated to it (`Document.Purpose.DOSSIER`): from then on it is
seen by whoever may see a dossier it belongs to (egov.dossiers.permissions, registered with the
documents' access rule), and by the citizen whose dossier it is, never by a role in the unit that
stored it alone.

A paper is pinned: the dossier holds the version that was current when the paper came into it
(received at the desk, submitted online, supplied), `DossierComponent.document_version`. What the
applicant submitted is the record the authority decides on (ND 61/2018 Điều 17: the desk checks
and receives *these* papers; ND 45/2020 Điều 11: the electronic dossier as submitted), so a
version added later, by anyone, changes nothing the officer or the citizen sees or downloads. It
is recorded on the timeline (`version_added`, told by egov.documents for every new version), and
only those who handle the dossier may make the dossier hold it, explicitly (`repin`).

The one exception is the paper's digitised form: the searchable PDF made by OCR *of the pinned
version itself* (`DocumentVersion.Origin.OCR`, `derived_from` = the pinned version) has the same
pages in the same order (TT 01/2023/TT-VPCP Điều 8 khoản 2), so it is offered beside the paper as
its searchable copy. The paper's file, its hash and its signatures stay those of the pinned version.

The result is not pinned: it is the dossier's own output, drafted, signed and sealed in new
versions by those who handle the dossier; its current version is the result.
"""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.models import User
from egov.core import audit
from egov.documents import services as document_services
from egov.documents.models import Document, DocumentVersion
from egov.dossiers.models import Dossier, DossierComponent
from egov.dossiers.permissions import STAFF_ROLES, can_act_as
from egov.dossiers.services.transitions import record_event

Origin = DocumentVersion.Origin

# The timeline's sentence for each event about a paper's versions (officer's and citizen's pages).
PAPER_EVENTS = {
    "paper_new_version": gettext_lazy(
        "The paper “%(paper)s” has a new version (%(version)s), not used by the dossier"
    ),
    "paper_digitised": gettext_lazy(
        "A searchable copy (version %(version)s) was made of the paper “%(paper)s” as the dossier holds it"
    ),
    "paper_repinned": gettext_lazy(
        "The dossier now holds version %(version)s of the paper “%(paper)s” "
        "(before: version %(from_version)s)"
    ),
}


def describe_event(kind: str, data: Mapping[str, object]) -> str | None:
    """The sentence for an event about a paper's versions, or None for any other event."""
    text = PAPER_EVENTS.get(kind)
    if text is None:
        return None
    return str(text) % {
        "paper": data.get("paper", ""),
        "version": data.get("version", "?"),
        "from_version": data.get("from_version") or "?",
    }


def hold(dossier: Dossier, document: Document, *, by: User | None) -> DocumentVersion:
    """Dedicate the document to the dossier (in the transaction that links it); the version to pin.

    The document's row is locked while its current version is read, so a version being added at
    the same moment is either the one pinned (it was current at submission) or a later one.
    """
    # Its own (nested) transaction: the lock needs one even when a caller runs outside of any.
    with transaction.atomic():
        document_services.dedicate(document, purpose=Document.Purpose.DOSSIER, owner=dossier.citizen, by=by)
        current = (
            Document.objects.select_for_update()
            .filter(pk=document.pk)
            .values_list("current_version", flat=True)
        ).get()
    if current is None:
        raise ValueError(f"document {document.pk} has no version to hold")
    return DocumentVersion.objects.get(pk=current)


def digitised_form(held: DocumentVersion | None) -> DocumentVersion | None:
    """The searchable copy (OCR) made of the held version itself, the newest if there are several."""
    if held is None:
        return None
    return (
        DocumentVersion.objects.filter(derived_from=held, origin=Origin.OCR)
        .defer("text", "search_text")
        .order_by("-number")
        .first()
    )


def servable(component: DossierComponent, number: int | None = None) -> DocumentVersion | None:
    """The version of a paper one may read through the dossier: the held one, or its digitised form."""
    held = component.document_version
    if held is None or number is None or number == held.number:
        return held
    copy = digitised_form(held)
    return copy if copy is not None and copy.number == number else None


def readable_version(
    dossier: Dossier, document: Document, number: int | None = None
) -> DocumentVersion | None:
    """The version of a dossier's document one reads through the dossier, or None.

    A paper: the version the dossier holds, or (by its number) that version's searchable copy.
    The result: its current version (drafted, then signed and sealed; not pinned).
    """
    component = (
        DossierComponent.objects.filter(dossier=dossier, document=document)
        .select_related("document_version")
        .order_by("position")
        .first()
    )
    if component is not None:
        return servable(component, number)
    if dossier.result_document_id == document.pk and number is None:
        return document.current_version
    return None


def with_versions(components: "list[DossierComponent]") -> "list[DossierComponent]":
    """Give each paper its digitised form (`digitised`) and the newer version it does not hold.

    `newer` is the document's current version when it is neither the held one nor its digitised
    form: what an officer handling the dossier may choose to hold instead (`repin`).
    """
    held_ids = [c.document_version_id for c in components if c.document_version_id is not None]
    copies: dict[int, DocumentVersion] = {}
    for copy in (
        DocumentVersion.objects.filter(derived_from__in=held_ids, origin=Origin.OCR)
        .defer("text", "search_text")
        .order_by("number")
    ):
        assert copy.derived_from_id is not None
        copies[copy.derived_from_id] = copy
    for component in components:
        digitised = copies.get(component.document_version_id or 0)
        current = component.document.current_version if component.document is not None else None
        unused = current is not None and current.pk not in {
            component.document_version_id,
            getattr(digitised, "pk", None),
        }
        component.digitised = digitised  # type: ignore[attr-defined]
        component.newer = current if unused else None  # type: ignore[attr-defined]
    return components


def version_added(version: DocumentVersion, *, by: User | None) -> None:
    """A document that is a dossier's paper got a new version: say so on every dossier holding it.

    Called by egov.documents (the purpose's rule) in the transaction that adds the version. The
    dossiers keep the version they hold: a searchable copy of it is recorded as its digitised
    form, anything else as a new version the dossier does not use.
    """
    components = DossierComponent.objects.filter(document_id=version.document_id).select_related(
        "dossier", "document_version"
    )
    for component in components.order_by("dossier_id", "position"):
        held = component.document_version
        digitised = version.origin == Origin.OCR and held is not None and version.derived_from_id == held.pk
        record_event(
            component.dossier,
            "paper_digitised" if digitised else "paper_new_version",
            by,
            None,
            None,
            data=_paper_facts(component, version),
        )


def repin_paper(
    dossier: Dossier, *, component: DossierComponent, version: DocumentVersion, by: User
) -> Dossier:
    """Make the dossier hold another version of one of its papers: an explicit, recorded choice.

    Only those who handle the open dossier (a staff role where it now is, or its specialist) may;
    the applicant replaces a paper only by supplying it when asked (a supplement request).
    """
    if dossier.closed_at is not None:
        raise ValidationError(_("This dossier is closed: the papers it holds can no longer change."))
    if not can_act_as(by, dossier, *STAFF_ROLES):
        raise PermissionDenied
    if component.dossier_id != dossier.pk or component.document_id is None:
        raise ValidationError({"component": _("This dossier has no such paper.")})
    if version.document_id != component.document_id:
        raise ValidationError({"version": _("This is not a version of the paper's document.")})
    if version.pk == component.document_version_id:
        raise ValidationError({"version": _("The dossier already holds this version.")})
    before = component.document_version
    component.document_version = version
    component.save(update_fields=["document_version"])
    facts = {**_paper_facts(component, version), "from_version": before.number if before else None}
    record_event(dossier, "paper_repinned", by, None, None, data=facts)
    audit.record(
        actor=by,
        action="dossier.paper_repinned",
        target=dossier,
        unit_id=dossier.current_unit_id,
        before={"position": component.position, "version": facts["from_version"]},
        after={"position": component.position, "version": version.number, "sha256": version.sha256},
    )
    return dossier


def _paper_facts(component: DossierComponent, version: DocumentVersion) -> dict[str, object]:
    held = component.document_version
    return {
        "position": component.position,
        "paper": component.name,
        "document": version.document_id,
        "version": version.number,
        "origin": version.origin,
        "sha256": version.sha256,
        "held_version": held.number if held is not None else None,
    }
