"""Who may see and change documents: by the purpose a document serves, never by a role alone.

The one rule, used by every page and endpoint that lists or fetches documents:

- a unit's own document (`Purpose.OFFICE`) is seen by staff holding a role in the unit or above
  it (a role covers the unit's subtree), and by the person who uploaded it;
- a paper or the result of a dossier (`Purpose.DOSSIER`) is seen by whoever may see a dossier it
  belongs to: the rule is the dossiers app's (`register_purpose`), since only it knows who handles
  a dossier; a role in the document's unit alone shows nothing (the meeting secretary of the
  province does not see citizens' ID scans);
- a citizen's document (`Purpose.PERSONAL`, and any document with an `owner`) is seen by the
  citizen who owns it.

Everyone else gets 404: missing and forbidden look the same.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.documents.models import Document, DocumentVersion
from egov.organization.models import Role, Unit
from egov.organization.permissions import has_role_in, units_where

AnyUser = User | AnonymousUser
Purpose = Document.Purpose


@dataclass(frozen=True)
class PurposeRule:
    """How the app that gives documents a purpose decides who may see and change them.

    `visible(user)` is a condition on Document (e.g. `Q(pk__in=<subquery of ids>)`) naming the
    documents the user reaches through that app's records; `may_add_version(user, document)`
    whether the user may make a new version of one (upload, OCR, signing), because they handle it;
    `version_added(version, by)` is told of every new version of such a document, inside the
    transaction that adds it (the dossiers app records it on the timeline of the dossiers holding
    it, which keep the version they were given).
    """

    visible: Callable[[User], Q]
    may_add_version: Callable[[User, Document], bool]
    version_added: Callable[[DocumentVersion, User | None], None] | None = None


# Filled at start-up by the higher apps' AppConfig.ready() (egov.dossiers registers DOSSIER).
# A purpose without a rule is seen only by its owner: nothing is shown by default.
_rules: dict[str, PurposeRule] = {}


def register_purpose(purpose: Document.Purpose, rule: PurposeRule) -> None:
    _rules[purpose] = rule


def purpose_rule(purpose: str) -> PurposeRule | None:
    """The rule of the app that gave documents this purpose, if one registered it."""
    return _rules.get(purpose)


def _user(user: AnyUser) -> User | None:
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


def _staff(user: AnyUser) -> User | None:
    person = _user(user)
    return person if person is not None and not person.is_citizen else None


def documents_visible_to(user: AnyUser) -> QuerySet[Document]:
    """Every document the user may see, by its purpose (the module's docstring)."""
    person = _user(user)
    if person is None:
        return Document.objects.none()
    condition = Q(owner=person)
    if not person.is_citizen:
        condition |= Q(purpose=Purpose.OFFICE) & (
            Q(unit__in=units_where(person, *Role)) | Q(created_by=person)
        )
    for purpose, rule in _rules.items():
        condition |= Q(purpose=purpose) & rule.visible(person)
    return Document.objects.filter(condition)


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


def can_add_version(user: AnyUser, document: Document) -> bool:
    """Whether the user may make a new version of a document they see (upload, OCR, signing).

    A unit's document: anyone who sees it; a citizen's own document: that citizen; a dossier's
    paper or result: only those who handle the dossier (the dossiers app's rule).
    """
    person = _user(user)
    if person is None:
        return False
    if document.purpose == Purpose.OFFICE:
        return not person.is_citizen
    if document.purpose == Purpose.PERSONAL:
        return document.owner_id == person.pk
    rule = _rules.get(document.purpose)
    return rule is not None and rule.may_add_version(person, document)


def require_version_upload(user: AnyUser, document: Document) -> None:
    """Refuse an uploaded new version to someone who sees the document but may not change it.

    Call it after the access function (who may not see the document got 404 there). A dossier's
    paper or result takes new versions only from those who handle the dossier (the dossiers
    app's rule); the dossiers holding a paper keep the version they were given and record the new
    one on their timeline. The applicant replaces a paper only by supplying it when asked.
    """
    if can_add_version(user, document):
        return
    person = _user(user)
    if document.purpose == Purpose.DOSSIER and person is not None and document.owner_id == person.pk:
        raise PermissionDenied(
            _(
                "This paper is part of a submitted dossier, which keeps it as you submitted it. "
                "You can send another paper when the authority asks for a supplement."
            )
        )
    raise PermissionDenied(_("Only those who handle this document may add a version of it."))


def require_new_version(user: AnyUser, document: Document) -> None:
    """Refuse a derived version (OCR, signing) to someone who may not change the document."""
    if not can_add_version(user, document):
        raise PermissionDenied(_("Only those who handle this document may make a new version of it."))


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
