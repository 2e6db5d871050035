"""REST endpoints of documents, mounted by egov.api at /api/v1 with token-or-session auth.

Every endpoint assumes `request.user` is an authenticated User (egov.api mounts this router
with `auth=token_or_session`); access is then decided by egov.documents.permissions, and
errors (ValidationError, Http404, PermissionDenied) become egov.api's JSON `{code, message}`.
"""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.pagination import paginate

from egov.accounts.models import User
from egov.core.limits import RowId
from egov.core.pagination import CappedLimitOffsetPagination
from egov.core.schemas import UploadedFile
from egov.documents import services
from egov.documents.downloads import download
from egov.documents.models import Document, DocumentVersion
from egov.documents.permissions import (
    can_add_document,
    get_document_for_user,
    get_version_by_number_for_user,
    require_version_upload,
)
from egov.documents.queries import search_documents, versions_of
from egov.organization.models import Unit

# egov.api mounts this router with auth=token_or_session; no endpoint here is public.
AUTH_REQUIRED = True

router = Router(tags=["documents"])


class DocumentVersionOut(Schema):
    number: int
    origin: str
    filename: str = Field(..., alias="original_filename")
    size: int
    mime_type: str
    sha256: str
    page_count: int | None
    has_signatures: bool
    is_pdfa: bool
    derived_from: int | None = Field(None, description="Number of the version this one was made from")
    created_at: dt.datetime

    @staticmethod
    def resolve_derived_from(version: DocumentVersion) -> int | None:
        return version.derived_from.number if version.derived_from is not None else None


class DocumentOut(Schema):
    id: int
    title: str
    unit: str = Field(..., description="Agency identifier of the owning unit")
    created_at: dt.datetime
    current_version: DocumentVersionOut | None

    @staticmethod
    def resolve_unit(document: Document) -> str:
        return document.unit.identifier


class DocumentDetailOut(DocumentOut):
    versions: list[DocumentVersionOut]

    @staticmethod
    def resolve_versions(document: Document) -> list[DocumentVersion]:
        return list(versions_of(document).order_by("number"))


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # the router's auth lets only real users through
        raise PermissionDenied
    return user


@router.get("/documents", response=list[DocumentOut], summary="Documents of the caller's units")
@paginate(CappedLimitOffsetPagination)
def list_documents(request: HttpRequest, q: str = "") -> object:
    """Newest first; `q` matches every word in the title or text, accents ignored."""
    return (
        search_documents(_user(request), q[:200])
        .select_related("current_version__derived_from")
        .defer("current_version__derived_from__text", "current_version__derived_from__search_text")
    )


@router.post("/documents", response={201: DocumentDetailOut}, summary="Upload a new document")
def create_document(
    request: HttpRequest,
    title: Form[Annotated[str, Field(min_length=1, max_length=500)]],
    unit: Form[Annotated[str, Field(min_length=1, max_length=32, description="Agency identifier")]],
    file: File[UploadedFile],
) -> Status[Document]:
    """Multipart form: `title`, `unit` (agency identifier) and `file`."""
    user = _user(request)
    target = Unit.objects.filter(identifier=unit).first()
    if target is None:
        raise ValidationError({"unit": [_("There is no unit with this identifier.")]}, code="unknown_unit")
    if not can_add_document(user, target):
        raise PermissionDenied
    document = services.create_document(title=title, unit=target, file=file, uploaded_by=user)
    return Status(201, get_document_for_user(user, document.pk))


@router.get("/documents/{document_id}", response=DocumentDetailOut, summary="A document and its versions")
def get_document(request: HttpRequest, document_id: RowId) -> Document:
    return get_document_for_user(_user(request), document_id)


@router.post(
    "/documents/{document_id}/versions", response={201: DocumentVersionOut}, summary="Upload a new version"
)
def add_version(
    request: HttpRequest, document_id: RowId, file: File[UploadedFile]
) -> Status[DocumentVersion]:
    """Who may not see the document gets 404; who sees it but may not change it, 403 with the reason.

    A dossier's paper takes a version only from those who handle the dossier, and the dossier
    keeps the version it holds (the new one is recorded on its timeline).
    """
    user = _user(request)
    document = get_document_for_user(user, document_id)
    require_version_upload(user, document)
    return Status(201, services.add_version(document, file=file, uploaded_by=user))


@router.get(
    "/documents/{document_id}/versions/{number}/content",
    summary="Download a version's content",
    response={200: None},
)
def download_version(request: HttpRequest, document_id: RowId, number: RowId) -> FileResponse:
    """The file as uploaded or derived, under its original name; every download is audited."""
    user = _user(request)
    version = get_version_by_number_for_user(user, document_id, number)
    return download(version, user=user)
