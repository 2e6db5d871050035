"""REST endpoints of signatures, mounted by egov.api at /api/v1 with token-or-session auth.

Signing with a PIN sends the PIN over TLS once and keeps it in memory for the request only.
Remote signing: POST /signing-requests returns what to sign (digest_b64 = SHA-256 of the DER
signed attributes in to_be_signed_b64); the caller's signer (a token, a remote signing service)
signs it and POSTs the signature value to /signing-requests/{id}/complete.
"""

import base64
import binascii
import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from egov.accounts.models import User
from egov.core.limits import RowId
from egov.documents.models import Document, DocumentVersion
from egov.documents.permissions import get_document_for_user
from egov.signatures import services
from egov.signatures.models import SignatureValidation, SigningCertificate, SigningRequest
from egov.signatures.signing import SigningError

router = Router(tags=["signatures"])


class SignIn(Schema):
    certificate_id: RowId
    pin: str
    level: Literal["B-B", "B-T", "B-LT"] = "B-T"


class ValidationOut(Schema):
    id: int
    version: int
    status: str
    validated_at: dt.datetime
    signatures: list[dict[str, Any]]


class SignedOut(Schema):
    version: int
    version_id: int
    sha256: str
    validation: ValidationOut | None


class SigningRequestIn(Schema):
    document_id: RowId
    certificate_id: RowId
    level: Literal["B-B", "B-T", "B-LT"] = "B-T"


class SigningRequestOut(Schema):
    id: int
    digest_b64: str
    digest_algorithm: str
    to_be_signed_b64: str
    certificate_serial: str
    expires_at: dt.datetime


class CompleteIn(Schema):
    signature_b64: str | None = None
    cms_b64: str | None = None


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # the router's auth lets only real users through
        raise PermissionDenied
    return user


def _current(document: Document) -> DocumentVersion:
    if document.current_version is None:
        raise Http404
    return document.current_version


def _certificate(user: User, certificate_id: int) -> SigningCertificate:
    for cert in services.usable_certificates(user):
        if cert.pk == certificate_id:
            return cert
    raise ValidationError(
        {"certificate_id": [_("You cannot sign with this certificate.")]}, code="certificate"
    )


def _validation_out(validation: SignatureValidation) -> ValidationOut:
    return ValidationOut(
        id=validation.pk,
        version=validation.version.number,
        status=validation.status,
        validated_at=validation.validated_at,
        signatures=validation.report,
    )


def _signing_failed(error: SigningError) -> ValidationError:
    return ValidationError(str(error), code="signing_failed")


@router.post(
    "/documents/{document_id}/signatures", response={201: SignedOut}, summary="Sign the current version"
)
def sign_document(request: HttpRequest, document_id: RowId, payload: SignIn) -> Status[SignedOut]:
    user = _user(request)
    document = get_document_for_user(user, document_id)
    certificate = _certificate(user, payload.certificate_id)
    try:
        signed = services.sign_version(
            _current(document), certificate=certificate, pin=payload.pin, level=payload.level, signed_by=user
        )
    except SigningError as error:
        raise _signing_failed(error) from error
    validation = services.latest_validation(signed)
    return Status(
        201,
        SignedOut(
            version=signed.number,
            version_id=signed.pk,
            sha256=signed.sha256,
            validation=_validation_out(validation) if validation else None,
        ),
    )


@router.post(
    "/documents/{document_id}/validations",
    response={201: ValidationOut},
    summary="Check the signatures of the current version",
)
def validate_document(request: HttpRequest, document_id: RowId) -> Status[ValidationOut]:
    user = _user(request)
    document = get_document_for_user(user, document_id)
    return Status(201, _validation_out(services.validate_version(_current(document), validated_by=user)))


@router.get(
    "/documents/{document_id}/validations/latest",
    response=ValidationOut,
    summary="The latest signature check of the current version",
)
def latest_validation(request: HttpRequest, document_id: RowId) -> ValidationOut:
    document = get_document_for_user(_user(request), document_id)
    validation = services.latest_validation(_current(document))
    if validation is None:
        raise Http404
    return _validation_out(validation)


@router.post("/signing-requests", response={201: SigningRequestOut}, summary="Prepare a remote signature")
def create_signing_request(request: HttpRequest, payload: SigningRequestIn) -> Status[SigningRequestOut]:
    user = _user(request)
    document = get_document_for_user(user, payload.document_id)
    certificate = _certificate(user, payload.certificate_id)
    signing_request = services.prepare_remote(
        _current(document), certificate=certificate, level=payload.level, requested_by=user
    )
    return Status(
        201,
        SigningRequestOut(
            id=signing_request.pk,
            digest_b64=base64.b64encode(bytes(signing_request.digest)).decode("ascii"),
            digest_algorithm="sha256",
            to_be_signed_b64=base64.b64encode(bytes(signing_request.signed_attributes)).decode("ascii"),
            certificate_serial=certificate.serial,
            expires_at=signing_request.expires_at,
        ),
    )


@router.post(
    "/signing-requests/{request_id}/complete",
    response={201: SignedOut},
    summary="Complete a remote signature with the signature value (or a whole CMS)",
)
def complete_signing_request(
    request: HttpRequest, request_id: RowId, payload: CompleteIn
) -> Status[SignedOut]:
    user = _user(request)
    signing_request = SigningRequest.objects.filter(pk=request_id, created_by=user).first()
    if signing_request is None:
        raise Http404
    get_document_for_user(user, signing_request.version.document_id)
    try:
        signature = base64.b64decode(payload.signature_b64, validate=True) if payload.signature_b64 else None
        cms = base64.b64decode(payload.cms_b64, validate=True) if payload.cms_b64 else None
    except (binascii.Error, ValueError) as error:
        raise ValidationError(_("The signature is not valid base64."), code="base64") from error
    if signature is None and cms is None:
        raise ValidationError(_("Send signature_b64 or cms_b64."), code="missing")
    try:
        signed = services.complete_remote(
            signing_request, completed_by=user, signature_value=signature, cms=cms
        )
    except SigningError as error:
        raise _signing_failed(error) from error
    validation = services.latest_validation(signed)
    return Status(
        201,
        SignedOut(
            version=signed.number,
            version_id=signed.pk,
            sha256=signed.sha256,
            validation=_validation_out(validation) if validation else None,
        ),
    )
