"""Reads across models: what awaits a leader's signature, validations of a document."""

from django.db.models import QuerySet

from egov.accounts.models import User
from egov.documents.models import Document, DocumentVersion
from egov.documents.permissions import documents_visible_to
from egov.organization.models import Role
from egov.organization.permissions import units_where
from egov.signatures.models import SignatureValidation

BATCH_LIMIT = 200


def awaiting_my_signature(user: User) -> QuerySet[Document]:
    """Documents of units where the user is a leader whose current version is a PDF they have
    not signed yet (no signed version of the document was made by them)."""
    return (
        documents_visible_to(user)
        .filter(unit__in=units_where(user, Role.LEADER), current_version__mime_type="application/pdf")
        .exclude(
            pk__in=DocumentVersion.objects.filter(
                origin=DocumentVersion.Origin.SIGNED, created_by=user
            ).values("document_id")
        )
        .select_related("unit", "current_version")
        .order_by("-created_at")[:BATCH_LIMIT]
    )


def latest_validations(versions: list[DocumentVersion]) -> dict[int, SignatureValidation]:
    """The newest validation of each version, keyed by version id."""
    latest: dict[int, SignatureValidation] = {}
    for validation in SignatureValidation.objects.filter(version__in=versions).order_by("validated_at", "pk"):
        latest[validation.version_id] = validation
    return latest
