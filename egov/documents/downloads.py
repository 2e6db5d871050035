"""Serving a version's file: one answer for every page and endpoint that hands a file out."""

from django.http import FileResponse

from egov.accounts.models import User
from egov.documents import services
from egov.documents.models import DocumentVersion


def download(version: DocumentVersion, *, user: User) -> FileResponse:
    """The file as an attachment under its original name with its sniffed type (a polyglot is never
    rendered inline), kept out of shared caches; every download is audited."""
    services.record_download(version, user=user)
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.original_filename,
        content_type=version.mime_type,
    )
    response["Cache-Control"] = "private, no-store"
    # Set here, not left to the middleware's settings: a browser that renders the file anyway
    # (an old one, a viewer opening the URL) gets neither a guessed type nor running scripts.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
