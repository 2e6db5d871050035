"""Who may see documents: staff holding any role in the owning unit or above it.

Citizens see no document here; a later issue grants them access through their dossiers.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from egov.accounts.models import User
from egov.documents.models import Document, DocumentVersion
from egov.organization.models import Role, Unit
from egov.organization.permissions import has_role_in, units_where

AnyUser = User | AnonymousUser


def _staff(user: AnyUser) -> User | None:
    if isinstance(user, User) and user.is_authenticated and user.is_active and not user.is_citizen:
        return user
    return None


def documents_visible_to(user: AnyUser) -> QuerySet[Document]:
    """Documents of the units in which the user holds a role (a role covers the unit's subtree)."""
    staff = _staff(user)
    if staff is None:
        return Document.objects.none()
    return Document.objects.filter(unit__in=units_where(staff, *Role))


def units_for_new_documents(user: AnyUser) -> QuerySet[Unit]:
    """Units (existing today) the user may add documents to, for the upload form."""
    staff = _staff(user)
    if staff is None:
        return Unit.objects.none()
    # units_where returns Unit.objects' QuerySet; filter as UnitQuerySet.active() does.
    return units_where(staff, *Role).filter(dissolved_on__isnull=True).order_by("path")


def can_add_document(user: AnyUser, unit: Unit) -> bool:
    """Staff with any role in the unit or above it, while the unit exists."""
    staff = _staff(user)
    return staff is not None and unit.dissolved_on is None and has_role_in(staff, unit, *Role)


def get_document_for_user(user: AnyUser, document_id: int, *, for_update: bool = False) -> Document:
    """A document the user may see, or Http404 (missing and forbidden look the same)."""
    documents = documents_visible_to(user).select_related("unit", "current_version", "created_by")
    if for_update:
        documents = documents.select_for_update(of=("self",))
    document = documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return document


def get_version_for_user(user: AnyUser, version_id: int) -> DocumentVersion:
    """A version of a document the user may see, or Http404."""
    version = (
        DocumentVersion.objects.filter(document__in=documents_visible_to(user), pk=version_id)
        .select_related("document", "document__unit")
        .first()
    )
    if version is None:
        raise Http404
    return version


def get_version_by_number_for_user(user: AnyUser, document_id: int, number: int) -> DocumentVersion:
    """Version `number` of a document the user may see, or Http404."""
    version = (
        DocumentVersion.objects.filter(
            document__in=documents_visible_to(user), document_id=document_id, number=number
        )
        .select_related("document", "document__unit")
        .first()
    )
    if version is None:
        raise Http404
    return version
