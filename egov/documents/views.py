"""Staff screens of documents: list and search, upload, a document's versions, download, OCR."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from egov.accounts.http import AuthenticatedRequest
from egov.accounts.models import User
from egov.core.pagination import CappedPaginator
from egov.documents import services, validation
from egov.documents.digitisation import request_digitisation
from egov.documents.downloads import download
from egov.documents.forms import DocumentForm, FileForm
from egov.documents.models import DigitisationJob, Document
from egov.documents.permissions import (
    can_add_document,
    can_add_version,
    get_document_for_user,
    get_version_for_user,
    require_new_version,
    require_version_upload,
    units_for_new_documents,
)
from egov.documents.queries import latest_digitisation, search_documents, versions_of

PAGE_SIZE = 25
ACTIVE_JOB = {DigitisationJob.Status.QUEUED, DigitisationJob.Status.RUNNING}
DIGITISABLE = {validation.PDF, *validation.IMAGE_TYPES}


@login_required
@require_GET
def document_list(request: AuthenticatedRequest) -> HttpResponse:
    """Documents the user may see, newest first; `?q=` searches titles and text, accents ignored."""
    query = request.GET.get("q", "")[:200]
    page = CappedPaginator(search_documents(request.user, query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "can_upload": units_for_new_documents(request.user).exists()}
    return render(request, "documents/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a new document into one of the user's units."""
    if not units_for_new_documents(request.user).exists():
        raise Http404
    form = DocumentForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        if not can_add_document(request.user, unit):
            raise Http404
        try:
            document = services.create_document(
                title=form.cleaned_data["title"],
                unit=unit,
                file=form.cleaned_data["file"],
                uploaded_by=request.user,
            )
        except ValidationError as error:
            # The file's errors go next to it; errors per field (title) to their fields.
            form.add_error(None if hasattr(error, "error_dict") else "file", error)
        else:
            messages.success(request, _("The document was saved."))
            return redirect("documents:detail", document.pk)
    return render(request, "documents/create.html", {"form": form})


@login_required
@require_GET
def document_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A document: its versions, preview, text, digitisation and signatures."""
    document = get_document_for_user(request.user, pk)
    return render(request, "documents/detail.html", _detail_context(request.user, document, FileForm()))


@login_required
@require_POST
def version_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Upload a new version of a document."""
    document = get_document_for_user(request.user, pk)
    require_version_upload(request.user, document)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.add_version(document, file=form.cleaned_data["file"], uploaded_by=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Version %(number)s was saved.") % {"number": version.number})
            return redirect("documents:detail", document.pk)
    return render(request, "documents/detail.html", _detail_context(request.user, document, form))


@login_required
@require_GET
def version_download(request: AuthenticatedRequest, version_id: int) -> FileResponse:
    """The content of a version, under its original name; every download is audited."""
    version = get_version_for_user(request.user, version_id)
    return download(version, user=request.user)


@login_required
@require_GET
def version_preview(request: AuthenticatedRequest, version_id: int) -> FileResponse:
    """The picture of a version's first page, checked like the file itself."""
    version = get_version_for_user(request.user, version_id)
    if not version.preview:
        raise Http404
    response = FileResponse(version.preview.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def version_digitise(request: AuthenticatedRequest, version_id: int) -> HttpResponse:
    """Ask the worker to make a searchable PDF/A of a scan (TT 01/2023/TT-VPCP Điều 8)."""
    version = get_version_for_user(request.user, version_id)
    # The searchable copy is a new version of the document: only those who may change it ask.
    require_new_version(request.user, version.document)
    try:
        request_digitisation(version, requested_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Digitisation was requested; the searchable copy will appear here."))
    return redirect("documents:detail", version.document_id)


@login_required
@require_GET
def digitisation_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The latest digitisation job's status, polled by the document page while it runs."""
    document = get_document_for_user(request.user, pk)
    job = latest_digitisation(document)
    if request.headers.get("HX-Request") == "true" and (job is None or job.status not in ACTIVE_JOB):
        # Finished: reload the page so the new version shows in the table.
        return HttpResponseClientRefresh()
    return render(
        request,
        "documents/_digitisation.html",
        {"document": document, "job": job, "job_active": job is not None and job.status in ACTIVE_JOB},
    )


def _detail_context(user: User, document: Document, version_form: FileForm) -> dict[str, Any]:
    job = latest_digitisation(document)
    current = document.current_version
    return {
        "document": document,
        "current": current,
        "versions": versions_of(document),
        "job": job,
        "job_active": job is not None and job.status in ACTIVE_JOB,
        "digitisable": current is not None and current.mime_type in DIGITISABLE,
        "version_form": version_form,
        "can_add_version": can_add_version(user, document),
    }
