"""Every write to documents: new documents, new versions, and the record of downloads.

Files are stored under their content hash (models.version_storage_key) with the storage API:
equal content is stored once, and a file written for a transaction that fails is removed
again, so storage holds no file without a version row. Versions are never updated.
"""

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.core.text import fold
from egov.documents import validation
from egov.documents.extraction import cap_text, extract_text
from egov.documents.models import Document, DocumentVersion, version_storage_key
from egov.documents.permissions import purpose_rule
from egov.documents.previews import preview_key, render_preview
from egov.documents.validation import CheckedFile
from egov.organization.models import Unit

logger = logging.getLogger(__name__)

Origin = DocumentVersion.Origin
# Derived origins need the version they came from (OCR is also enforced by a constraint).
UPLOAD_ORIGINS = frozenset({Origin.UPLOAD, Origin.SCAN, Origin.RENDERED})
TITLE_MAX_LENGTH = Document._meta.get_field("title").max_length or 500


@dataclass(frozen=True)
class _Prepared:
    """A checked file with what is computed before the transaction (slow, no writes)."""

    checked: CheckedFile
    text: str
    preview: bytes | None


def create_document(
    *,
    title: str,
    unit: Unit,
    file: UploadedFile[bytes],
    uploaded_by: User,
    origin: DocumentVersion.Origin = Origin.UPLOAD,
    purpose: Document.Purpose = Document.Purpose.OFFICE,
    owner: User | None = None,
) -> Document:
    """Check the file, then create the document with it as version 1.

    `purpose` decides who may see it (permissions.py); a citizen's upload is theirs (`owner`).
    """
    _require_upload_origin(origin)
    title = title.strip()
    if not title or len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {"title": [_("Give a title of at most %(max)s characters.") % {"max": TITLE_MAX_LENGTH}]},
            code="title",
        )
    prepared = _prepare(validation.check_upload(file))
    with _removing_new_files_on_failure() as written, transaction.atomic():
        document = Document.objects.create(
            title=title,
            search_title=fold(title)[:TITLE_MAX_LENGTH],
            unit=unit,
            created_by=uploaded_by,
            purpose=purpose,
            owner=owner,
        )
        version = _create_version(
            document, prepared, number=1, origin=origin, created_by=uploaded_by, written=written
        )
        document.current_version = version
        document.search_text = _document_search_text(document, version)
        document.save(update_fields=["current_version", "search_text"])
        audit.record(
            actor=uploaded_by,
            action="document.created",
            target=document,
            unit_id=unit.pk,
            after={
                "title": title,
                "unit": unit.identifier,
                "purpose": purpose,
                "owner": owner.pk if owner else None,
                **_version_facts(version),
            },
        )
    return document


def dedicate(
    document: Document, *, purpose: Document.Purpose, owner: User | None = None, by: User | None
) -> Document:
    """Give a document the purpose it now serves (a unit's upload becoming a dossier's paper).

    Called by the app that links it (egov.dossiers), in the transaction that links it. From then
    on the purpose's rule decides who sees it; an owner, once set, is kept.
    """
    owner_id = document.owner_id or (owner.pk if owner is not None else None)
    if document.purpose == purpose and document.owner_id == owner_id:
        return document
    before = {"purpose": document.purpose, "owner": document.owner_id}
    Document.objects.filter(pk=document.pk).update(purpose=purpose, owner_id=owner_id)
    document.purpose = purpose
    document.owner_id = owner_id
    audit.record(
        actor=by,
        action="document.dedicated",
        target=document,
        unit_id=document.unit_id,
        before=before,
        after={"purpose": purpose, "owner": owner_id},
    )
    return document


def add_version(
    document: Document,
    *,
    file: UploadedFile[bytes],
    uploaded_by: User,
    origin: DocumentVersion.Origin = Origin.UPLOAD,
) -> DocumentVersion:
    """Check a new upload of the document and make it the current version."""
    _require_upload_origin(origin)
    prepared = _prepare(validation.check_upload(file))
    return _add(document, prepared, origin=origin, created_by=uploaded_by, source=None, is_pdfa=False)


def add_derived_version(
    source: DocumentVersion,
    *,
    content: bytes,
    filename: str,
    origin: DocumentVersion.Origin,
    created_by: User | None,
    text: str = "",
    is_pdfa: bool = False,
) -> DocumentVersion:
    """Store a version made from `source` (OCR, signing, conversion) as the document's current one.

    The content passes the same checks as an upload. `text` (e.g. from OCR) replaces the
    extracted text when given. The source is never changed: a signed PDF stays as it was signed.
    """
    checked = validation.check_content(content, filename)
    prepared = _prepare(checked, text=cap_text(text) if text else None)
    return _add(
        source.document, prepared, origin=origin, created_by=created_by, source=source, is_pdfa=is_pdfa
    )


def record_download(version: DocumentVersion, *, user: User) -> None:
    """Log that a person read a version's content (reading personal data is audited)."""
    audit.record(
        actor=user,
        action="document.downloaded",
        target=version.document,
        unit_id=version.document.unit_id,
        after={"version": version.number, "sha256": version.sha256},
    )


def _add(
    document: Document,
    prepared: _Prepared,
    *,
    origin: DocumentVersion.Origin,
    created_by: User | None,
    source: DocumentVersion | None,
    is_pdfa: bool,
) -> DocumentVersion:
    with _removing_new_files_on_failure() as written, transaction.atomic():
        # Lock the document so concurrent uploads get consecutive numbers.
        locked = Document.objects.select_for_update().get(pk=document.pk)
        last = locked.versions.aggregate(last=Max("number"))["last"] or 0
        version = _create_version(
            locked,
            prepared,
            number=last + 1,
            origin=origin,
            created_by=created_by,
            written=written,
            source=source,
            is_pdfa=is_pdfa,
        )
        locked.current_version = version
        locked.search_text = _document_search_text(locked, version)
        locked.save(update_fields=["current_version", "search_text"])
        # The app that gave the document its purpose hears of the version in this transaction
        # (a dossier records it on its timeline and keeps holding the version it was given).
        rule = purpose_rule(locked.purpose)
        if rule is not None and rule.version_added is not None:
            rule.version_added(version, created_by)
        audit.record(
            actor=created_by,
            action="document.version_added",
            target=locked,
            unit_id=locked.unit_id,
            after={
                **_version_facts(version),
                "derived_from": source.number if source is not None else None,
            },
        )
    document.current_version = version
    document.search_text = locked.search_text
    return version


def _document_search_text(document: Document, version: DocumentVersion) -> str:
    """What the search matches: the folded title and the current version's folded text."""
    return f"{document.search_title} {version.search_text}".strip()


def _require_upload_origin(origin: DocumentVersion.Origin) -> None:
    if origin not in UPLOAD_ORIGINS:
        raise ValueError(f"a {origin} version is derived from another: use add_derived_version")


def _prepare(checked: CheckedFile, *, text: str | None = None) -> _Prepared:
    return _Prepared(
        checked=checked,
        text=extract_text(checked) if text is None else text,
        preview=render_preview(checked),
    )


def _create_version(
    document: Document,
    prepared: _Prepared,
    *,
    number: int,
    origin: DocumentVersion.Origin,
    created_by: User | None,
    written: list[str],
    source: DocumentVersion | None = None,
    is_pdfa: bool = False,
) -> DocumentVersion:
    checked = prepared.checked
    version = DocumentVersion(
        document=document,
        number=number,
        origin=origin,
        derived_from=source,
        original_filename=checked.filename,
        sha256=checked.sha256,
        size=checked.size,
        mime_type=checked.mime_type,
        page_count=checked.page_count,
        has_signatures=checked.has_signatures,
        is_pdfa=is_pdfa,
        text=prepared.text,
        search_text=fold(prepared.text),
        created_by=created_by,
    )
    version.file.name = _store(version_storage_key(version, checked.filename), checked.content, written)
    if prepared.preview is not None:
        version.preview.name = _store(preview_key(checked.sha256), prepared.preview, written)
    version.save(force_insert=True)
    return version


def _store(key: str, content: bytes, written: list[str]) -> str:
    """Write content under its hash key unless it is already there; note keys newly written."""
    if default_storage.exists(key):
        return key
    saved = default_storage.save(key, ContentFile(content))
    if saved != key:
        # Another request stored the same content meanwhile: keep theirs.
        default_storage.delete(saved)
        return key
    written.append(key)
    outer = _outer_written.get()
    if outer is not None:
        outer.append(key)
    return key


_outer_written: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "documents_outer", default=None
)


@contextmanager
def atomic_with_files() -> Iterator[None]:
    """A transaction that also removes the files stored inside it if it rolls back.

    Use it when a caller stores documents and other rows together (a dossier with its scanned
    components): Django has no rollback hook, so a plain atomic block would leave the files.
    """
    written: list[str] = []
    token = _outer_written.set(written)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _delete_unreferenced(written)
        raise
    finally:
        _outer_written.reset(token)


def _delete_unreferenced(keys: list[str]) -> None:
    for key in keys:
        try:
            if not DocumentVersion.objects.filter(Q(file=key) | Q(preview=key)).exists():
                default_storage.delete(key)
        except Exception:  # the original error matters more; sweep_orphan_files cleans up later
            logger.exception("could not remove %s after a failed transaction", key)


@contextmanager
def _removing_new_files_on_failure() -> Iterator[list[str]]:
    """Yield a list for the keys written; delete them if the block fails.

    Use outside the transaction.atomic block so the rows are rolled back before the check.
    A file is kept if a committed version refers to it (equal content stored concurrently).
    """
    written: list[str] = []
    try:
        yield written
    except BaseException:
        _delete_unreferenced(written)
        raise


def _version_facts(version: DocumentVersion) -> dict[str, object]:
    return {
        "version": version.number,
        "origin": version.origin,
        "filename": version.original_filename,
        "sha256": version.sha256,
        "size": version.size,
        "mime_type": version.mime_type,
        "pages": version.page_count,
    }
