"""Staff screens for signing and validating, and the public PKI endpoints (CRL, OCSP, TSA, CA)."""

import threading
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.accounts.http import AuthenticatedRequest
from egov.documents import services as document_services
from egov.documents.models import Document, DocumentVersion
from egov.documents.permissions import get_document_for_user, units_for_new_documents
from egov.organization.models import Role
from egov.organization.permissions import decides_in
from egov.signatures import pki, services
from egov.signatures.forms import BatchForm, SignForm, UploadForm
from egov.signatures.models import BatchSigningJob, SigningCertificate
from egov.signatures.queries import awaiting_my_signature, latest_validations
from egov.signatures.signing import SigningError, WrongPinError

MAX_PKI_REQUEST = 64 * 1024

# --- Public PKI endpoints -------------------------------------------------------------------------


def _responder() -> pki.Responder:
    demo = pki.load_demo_pki()
    if demo is None:
        raise Http404
    return pki.Responder(demo, pki.revocation_state(demo))


def _pki_answer(request: HttpRequest, path: str) -> HttpResponse:
    body = request.body if request.method == "POST" else b""
    if len(body) > MAX_PKI_REQUEST:
        return HttpResponseBadRequest()
    answer = _responder().answer(request.method or "GET", path, body)
    if answer is None:
        raise Http404
    content_type, content = answer
    response = HttpResponse(content, content_type=content_type)
    if request.method == "GET":
        response["Cache-Control"] = "public, max-age=300"
    else:
        response["Cache-Control"] = "no-store"
    return response


@require_GET
def crl(request: HttpRequest, which: str) -> HttpResponse:
    """GET /pki/crl/issuing.crl and /pki/crl/root.crl (DER, RFC 5280)."""
    return _pki_answer(request, f"crl/{which}.crl")


@require_GET
def ca_certificate(request: HttpRequest, which: str) -> HttpResponse:
    """GET /pki/ca/root.crt and /pki/ca/issuing.crt (DER)."""
    return _pki_answer(request, f"ca/{which}.crt")


@csrf_exempt  # machine-to-machine: RFC 6960 clients send no cookie and no token
@require_POST
def ocsp(request: HttpRequest) -> HttpResponse:
    """POST /pki/ocsp/ (application/ocsp-request → application/ocsp-response)."""
    return _pki_answer(request, "ocsp")


@csrf_exempt  # machine-to-machine: RFC 3161 clients send no cookie and no token
@require_POST
def tsa(request: HttpRequest) -> HttpResponse:
    """POST /pki/tsa/ (application/timestamp-query → application/timestamp-reply)."""
    return _pki_answer(request, "tsa")


# --- Staff screens --------------------------------------------------------------------------------


def _sign_forms(request: AuthenticatedRequest, document: Document, data: Any = None) -> dict[str, Any]:
    forms: dict[str, Any] = {}
    unit = document.unit
    personal = services.usable_certificates(request.user, kind="personal")
    if personal and decides_in(request.user, unit, Role.LEADER):
        forms["sign_form"] = SignForm(data, certificates=personal, prefix="sign")
    seals = [
        c
        for c in services.usable_certificates(request.user, kind="seal")
        if c.unit_id is not None and c.unit_id in unit.ancestor_ids()
    ]
    if seals and decides_in(request.user, unit, Role.CLERK):
        forms["seal_form"] = SignForm(data, certificates=seals, prefix="seal", initial={"level": "B-T"})
    return forms


def _document_context(request: AuthenticatedRequest, document: Document, **extra: Any) -> dict[str, Any]:
    versions = list(document.versions.select_related("created_by").order_by("-number"))
    validations = latest_validations(versions)
    rows = [(version, validations.get(version.pk)) for version in versions]
    current = document.current_version
    context: dict[str, Any] = {
        "document": document,
        "rows": rows,
        "current": current,
        "can_sign": current is not None and current.is_pdf,
    }
    context.update(_sign_forms(request, document))
    context.update(extra)
    return context


@login_required
@require_GET
@never_cache
def document(request: AuthenticatedRequest, document_id: int) -> HttpResponse:
    """A document's versions with the validation panel of each signed one, and the sign forms."""
    doc = get_document_for_user(request.user, document_id)
    return render(request, "signatures/document.html", _document_context(request, doc))


@login_required
@require_POST
def sign(request: AuthenticatedRequest, document_id: int, kind: str) -> HttpResponse:
    """Sign the current version (kind "sign": personal signature; "seal": the unit's seal)."""
    doc = get_document_for_user(request.user, document_id)
    if kind not in {"sign", "seal"} or doc.current_version is None:
        raise Http404
    forms = _sign_forms(request, doc, request.POST)
    form = forms.get(f"{kind}_form")
    if form is None:
        raise PermissionDenied
    if not form.is_valid():
        context = _document_context(request, doc, **{f"{kind}_form": form})
        return render(request, "signatures/document.html", context, status=400)
    certificate: SigningCertificate = form.cleaned_data["certificate"]
    try:
        signed = services.sign_version(
            doc.current_version,
            certificate=certificate,
            pin=form.cleaned_data["pin"],
            level=form.cleaned_data["level"],
            signed_by=request.user,
        )
    except (SigningError, ValidationError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        form.add_error("pin" if isinstance(error, WrongPinError) else None, message)
        context = _document_context(request, doc, **{f"{kind}_form": form})
        return render(request, "signatures/document.html", context, status=400)
    # The level the file really has (never lower than asked: signing refuses that with the reason).
    level = {"level": services.applied_level(signed)}
    if kind == "seal":
        messages.success(request, _("The seal was applied at level PAdES %(level)s.") % level)
    else:
        messages.success(request, _("The document was signed at level PAdES %(level)s.") % level)
    return redirect("signatures:document", doc.pk)


@login_required
@require_POST
def validate(request: AuthenticatedRequest, document_id: int, version_id: int) -> HttpResponse:
    """Check the signatures of a version now."""
    doc = get_document_for_user(request.user, document_id)
    version = get_object_or_404(DocumentVersion, pk=version_id, document=doc)
    services.validate_version(version, validated_by=request.user)
    messages.success(request, _("The signatures were checked."))
    return redirect(reverse("signatures:document", args=[doc.pk]) + f"#version-{version.number}")


@login_required
@require_http_methods(["GET", "POST"])
def validate_upload(request: AuthenticatedRequest) -> HttpResponse:
    """Upload any signed PDF: it is kept as a document of the user's unit and its signatures checked."""
    unit = units_for_new_documents(request.user).first()
    if unit is None:
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = document_services.create_document(
                title=form.cleaned_data["title"],
                unit=unit,
                file=form.cleaned_data["file"],
                uploaded_by=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            assert created.current_version is not None
            services.validate_version(created.current_version, validated_by=request.user)
            return redirect("signatures:document", created.pk)
    return render(request, "signatures/validate_upload.html", {"form": form, "unit": unit})


def _batch_choices(user: Any) -> list[tuple[int, str]]:
    return [
        (doc.current_version_id, f"{doc.title} — {doc.unit.name}")
        for doc in awaiting_my_signature(user)
        if doc.current_version_id is not None
    ]


def _run_batch_in_background(job_id: int, pin: str) -> None:
    """The PIN stays in this process's memory only; the page polls the job row for progress."""
    close_old_connections()
    try:
        job = BatchSigningJob.objects.select_related("certificate", "requested_by").get(pk=job_id)
        services.run_batch(job, pin=pin)
    except SigningError:
        pass  # recorded on the job by run_batch
    finally:
        close_old_connections()


@login_required
@require_http_methods(["GET", "POST"])
def batch(request: AuthenticatedRequest) -> HttpResponse:
    """Sign several documents with one PIN entry."""
    certificates = services.usable_certificates(request.user, kind="personal")
    choices = _batch_choices(request.user)
    form = BatchForm(request.POST or None, certificates=certificates, version_choices=choices, prefix="batch")
    if request.method == "POST" and form.is_valid():
        versions = list(
            DocumentVersion.objects.filter(pk__in=form.cleaned_data["versions"]).select_related(
                "document", "document__unit"
            )
        )
        try:
            job = services.start_batch(
                versions,
                certificate=form.cleaned_data["certificate"],
                level=form.cleaned_data["level"],
                requested_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            pin = form.cleaned_data["pin"]
            if getattr(settings, "EGOV_SIGNATURES_BATCH_IN_BACKGROUND", True):
                thread = threading.Thread(target=_run_batch_in_background, args=(job.pk, pin), daemon=True)
                transaction.on_commit(thread.start)
            else:
                try:
                    services.run_batch(job, pin=pin)
                except SigningError as error:
                    messages.error(request, str(error))
            return redirect("signatures:batch_job", job.pk)
    context = {"form": form, "has_certificates": bool(certificates), "has_documents": bool(choices)}
    return render(request, "signatures/batch.html", context)


@login_required
@require_GET
@never_cache
def batch_job(request: AuthenticatedRequest, job_id: int) -> HttpResponse:
    """Progress of a batch (the page refreshes itself while the batch runs)."""
    job = BatchSigningJob.objects.filter(pk=job_id, requested_by=request.user).first()
    if job is None:
        raise Http404
    results = DocumentVersion.objects.filter(pk__in=job.result_ids).select_related("document")
    running = job.status in {BatchSigningJob.Status.QUEUED, BatchSigningJob.Status.RUNNING}
    return render(request, "signatures/batch_job.html", {"job": job, "results": results, "running": running})


@login_required
@require_GET
def certificates(request: AuthenticatedRequest) -> HttpResponse:
    """My certificates, and the seals I may apply."""
    mine = SigningCertificate.objects.filter(owner=request.user).order_by("-created_at")
    seals = services.usable_certificates(request.user, kind="seal")
    return render(request, "signatures/certificates.html", {"mine": mine, "seals": seals})
