"""Every write of this app — certificates, signatures, validations, remote and batch signing —
each with its audit entry.

Who may sign (ND 30/2020 Điều 13 khoản 2): the competent person (a leader of the unit) signs with
their personal certificate; the clerk (văn thư) applies the organisation's seal certificate. A
signed version is never changed: signing makes a new version derived from the signed one.
"""

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.documents import services as document_services
from egov.documents.models import DocumentVersion
from egov.organization import naming
from egov.organization.models import Membership, Role, Unit
from egov.organization.permissions import decides_in
from egov.signatures import pki, signing
from egov.signatures.appearance import Appearance, seal_image, signature_image
from egov.signatures.models import BatchSigningJob, SignatureValidation, SigningCertificate, SigningRequest
from egov.signatures.signing import Level, SigningError
from egov.signatures.validation import validate_pdf

REMOTE_REQUEST_LIFETIME = timedelta(minutes=15)


# --- Certificates ---------------------------------------------------------------------------------


def _save_certificate(
    cert: x509.Certificate,
    *,
    owner: User | None,
    unit: Unit | None,
    kind: str,
    source: str,
    actor: User | None,
    **key_location: str,
) -> SigningCertificate:
    row = SigningCertificate.objects.create(
        owner=owner,
        unit=unit,
        kind=kind,
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=pki.serial_hex(cert),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        certificate_der=cert.public_bytes(serialization.Encoding.DER),
        source=source,
        **key_location,
    )
    audit.record(
        actor=actor,
        action="signatures.certificate_registered",
        target=row,
        unit_id=unit.pk if unit else None,
        after={"subject": row.subject, "serial": row.serial, "kind": kind, "source": source},
    )
    return row


def issue_certificate(
    *,
    kind: pki.CertificateKind,
    pin: str,
    issued_by: User | None,
    owner: User | None = None,
    unit: Unit | None = None,
) -> SigningCertificate:
    """Issue a demo certificate: personal (CN = the holder's full name, O = their unit's authority
    name) or the seal of a unit (CN = O = the unit's authority name, "Ủy ban nhân dân xã Đồng Hỷ");
    L is the province the unit belongs to."""
    if kind == "personal":
        if owner is None:
            raise ValueError("A personal certificate needs its holder.")
        unit = unit or _main_unit(owner)
        common_name = owner.display_name
        organisation = naming.authority_name(unit) if unit else pki.PROVINCE
    else:
        if unit is None:
            raise ValueError("A seal certificate needs its unit.")
        common_name = organisation = naming.authority_name(unit)
    locality = naming.place_name(_root(unit)) if unit else pki.PROVINCE
    cert, path = pki.issue_certificate(
        common_name=common_name, organisation=organisation, kind=kind, pin=pin, locality=locality
    )
    with transaction.atomic():
        return _save_certificate(
            cert, owner=owner, unit=unit, kind=kind, source="pkcs12", actor=issued_by, pkcs12_path=str(path)
        )


def register_pkcs11_certificate(
    *,
    certificate: x509.Certificate,
    library: str,
    token_label: str,
    key_label: str,
    owner: User | None,
    unit: Unit | None,
    kind: pki.CertificateKind,
    registered_by: User | None,
) -> SigningCertificate:
    """Record a certificate whose key lives on a PKCS#11 token (USB token, HSM)."""
    with transaction.atomic():
        return _save_certificate(
            certificate,
            owner=owner,
            unit=unit,
            kind=kind,
            source="pkcs11",
            actor=registered_by,
            pkcs11_library=library,
            token_label=token_label,
            key_label=key_label,
        )


def revoke_certificate(
    cert: SigningCertificate, *, reason: str, revoked_by: User | None
) -> SigningCertificate:
    """Mark a certificate revoked; the CRL and OCSP responder answer 'revoked' from now on."""
    if reason not in pki.REASONS:
        raise ValidationError(_("Unknown revocation reason."), code="reason")
    with transaction.atomic():
        row = SigningCertificate.objects.select_for_update().get(pk=cert.pk)
        if row.revoked_at is not None:
            return row
        row.revoked_at = timezone.now()
        row.revocation_reason = reason
        row.save(update_fields=["revoked_at", "revocation_reason"])
        audit.record(
            actor=revoked_by,
            action="signatures.certificate_revoked",
            target=row,
            unit_id=row.unit_id,
            after={"serial": row.serial, "reason": reason},
        )
    return row


def revoke_serial(serial: str, *, reason: str, revoked_by: User | None) -> SigningCertificate:
    demo = pki.ensure_demo_pki()
    issuer = demo.issuing.certificate.subject.rfc4514_string()
    cert = SigningCertificate.objects.get(issuer=issuer, serial=serial.lower())
    return revoke_certificate(cert, reason=reason, revoked_by=revoked_by)


def _main_unit(user: User) -> Unit | None:
    membership = Membership.objects.current().filter(user=user).select_related("unit").order_by("pk").first()
    return membership.unit if membership else None


def _root(unit: Unit) -> Unit:
    root_id = unit.ancestor_ids()[0] if unit.ancestor_ids() else unit.pk
    return Unit.objects.filter(pk=root_id).first() or unit


def _province_name(unit: Unit) -> str:
    """The province the unit belongs to, as a division ("Tỉnh Thái Nguyên")."""
    root = _root(unit)
    return naming.division_name(root) or root.name


def _position(user: User, unit: Unit) -> str:
    membership = (
        Membership.objects.current()
        .filter(user=user, unit_id__in=unit.ancestor_ids(), role__in=[Role.LEADER, Role.CLERK])
        .order_by("-unit__path")
        .first()
    )
    if membership is None:
        return ""
    return membership.position_title or str(membership.get_role_display())


def ensure_demo_certificates(pin: str = pki.DEMO_PIN) -> int:
    """Give every active leader and clerk a personal certificate, and every unit with a clerk a seal.

    Idempotent; returns how many certificates were issued. Called by egov.demo's seed.
    """
    pki.ensure_demo_pki()
    issued = 0
    memberships = (
        Membership.objects.current()
        .filter(role__in=[Role.LEADER, Role.CLERK], user__is_active=True)
        .select_related("user", "unit")
    )
    for membership in memberships:
        user = membership.user
        if not SigningCertificate.objects.filter(
            owner=user, kind="personal", revoked_at__isnull=True
        ).exists():
            issue_certificate(kind="personal", pin=pin, issued_by=None, owner=user, unit=membership.unit)
            issued += 1
        if (
            membership.role == Role.CLERK
            and not SigningCertificate.objects.filter(
                unit=membership.unit, kind="seal", revoked_at__isnull=True
            ).exists()
        ):
            issue_certificate(kind="seal", pin=pin, issued_by=None, unit=membership.unit)
            issued += 1
    return issued


# --- Who may sign what ----------------------------------------------------------------------------


def usable_certificates(user: User, *, kind: str | None = None) -> list[SigningCertificate]:
    """Certificates the user may sign with: their own personal ones, and seals of units where
    they are the clerk."""
    now = timezone.now()
    rows = SigningCertificate.objects.filter(revoked_at__isnull=True, not_before__lte=now, not_after__gte=now)
    if kind:
        rows = rows.filter(kind=kind)
    result = []
    for cert in rows.select_related("unit").order_by("kind", "-created_at"):
        if (cert.kind == "personal" and cert.owner_id == user.pk) or (
            cert.kind == "seal" and cert.unit is not None and decides_in(user, cert.unit, Role.CLERK)
        ):
            result.append(cert)
    return result


def check_can_sign(user: User, version: DocumentVersion, certificate: SigningCertificate) -> None:
    """Raise PermissionDenied unless the user may sign this version with this certificate."""
    certificate.refresh_from_db(fields=["revoked_at", "revocation_reason", "owner", "unit"])
    unit = version.document.unit
    if certificate.kind == "personal":
        if certificate.owner_id != user.pk:
            raise PermissionDenied(_("This certificate belongs to someone else."))
        # The unit's own leaders (or its agency's, for a division), not an authority above it
        # (decision 0006): the province's leader does not sign for a commune's chairman.
        if not decides_in(user, unit, Role.LEADER):
            raise PermissionDenied(_("Only a leader of the unit may sign its documents."))
    else:
        if not decides_in(user, unit, Role.CLERK):
            raise PermissionDenied(_("Only the unit's clerk may apply its seal."))
        if certificate.unit_id is None or certificate.unit_id not in unit.ancestor_ids():
            raise PermissionDenied(_("This seal belongs to another unit."))
    if not certificate.is_usable():
        raise PermissionDenied(_("This certificate is revoked or expired."))


def _check_signable(version: DocumentVersion) -> None:
    if not version.is_pdf:
        raise ValidationError(_("Only PDF files can be signed."), code="not_pdf")
    if version.document.current_version_id != version.pk:
        raise ValidationError(_("Only the current version can be signed."), code="not_current")


def _signer_source(certificate: SigningCertificate, pin: str) -> signing.SignerSource:
    if certificate.source == "pkcs12":
        return signing.Pkcs12Source(Path(certificate.pkcs12_path), pin)
    if certificate.source == "pkcs11":
        return signing.Pkcs11Source(
            library=certificate.pkcs11_library,
            token_label=certificate.token_label,
            key_label=certificate.key_label,
            pin=pin,
            use_raw_mechanism=isinstance(
                x509.load_der_x509_certificate(bytes(certificate.certificate_der)).public_key(),
                ec.EllipticCurvePublicKey,
            ),
        )
    raise SigningError(_("This certificate signs remotely: use a signing request."))


def _appearance(certificate: SigningCertificate, user: User, unit: Unit) -> Appearance:
    if certificate.kind == "seal":
        seal_unit = certificate.unit or unit
        return Appearance(
            signer_name=naming.authority_name(seal_unit),
            kind="seal",
            image_png=seal_image(naming.authority_name(seal_unit), _province_name(seal_unit)),
        )
    name = user.display_name
    return Appearance(
        signer_name=name,
        position=_position(user, unit),
        unit=naming.authority_name(unit),
        image_png=signature_image(name),
    )


def _field_name(certificate: SigningCertificate) -> str:
    prefix = "seal" if certificate.kind == "seal" else "signature"
    return f"{prefix}-{secrets.token_hex(4)}"


def _reason(certificate: SigningCertificate) -> str:
    return "Đóng dấu cơ quan" if certificate.kind == "seal" else "Phê duyệt văn bản"


def _store_signed(
    version: DocumentVersion,
    content: bytes,
    *,
    certificate: SigningCertificate,
    level: str,
    signed_by: User,
    remote: bool = False,
) -> DocumentVersion:
    with transaction.atomic():
        signed = document_services.add_derived_version(
            version,
            content=content,
            filename=version.original_filename,
            origin=DocumentVersion.Origin.SIGNED,
            created_by=signed_by,
            text=version.text,
            is_pdfa=version.is_pdfa,
        )
        audit.record(
            actor=signed_by,
            action="signatures.seal_applied" if certificate.kind == "seal" else "signatures.signed",
            target=signed,
            unit_id=version.document.unit_id,
            after={
                "document": version.document_id,
                "from_version": version.number,
                "version": signed.number,
                "certificate": certificate.serial,
                "level": level,
                "remote": remote,
                "sha256": signed.sha256,
            },
        )
    return signed


def sign_version(
    version: DocumentVersion,
    *,
    certificate: SigningCertificate,
    pin: str,
    level: Level,
    signed_by: User,
    appearance: Appearance | None = None,
    validate: bool = True,
) -> DocumentVersion:
    """Sign a PDF version; the result is the document's new current version, then validated."""
    check_can_sign(signed_by, version, certificate)
    _check_signable(version)
    with signing.open_signer(_signer_source(certificate, pin)) as signer:
        return _sign_one(
            version,
            signer=signer,
            certificate=certificate,
            level=level,
            signed_by=signed_by,
            appearance=appearance,
            validate=validate,
        )


def _sign_one(
    version: DocumentVersion,
    *,
    signer: signing.SignerSource,
    certificate: SigningCertificate,
    level: Level,
    signed_by: User,
    appearance: Appearance | None,
    validate: bool,
) -> DocumentVersion:
    unit = version.document.unit
    with version.file.open("rb") as handle:
        pdf = handle.read()
    content = signing.sign_pdf(
        pdf,
        signer,
        level=level,
        field_name=_field_name(certificate),
        appearance=appearance or _appearance(certificate, signed_by, unit),
        reason=_reason(certificate),
    )
    # What the file really has (sign_pdf refuses anything weaker than asked), for the audit trail.
    applied = signing.applied_level(content)
    signed = _store_signed(version, content, certificate=certificate, level=applied, signed_by=signed_by)
    if validate:
        validate_version(signed, validated_by=signed_by)
    return signed


def add_seal(
    version: DocumentVersion,
    *,
    seal_certificate: SigningCertificate,
    pin: str,
    signed_by: User,
    level: Level = "B-T",
) -> DocumentVersion:
    """The clerk applies the organisation's seal over the leader's signature (ND 30/2020 Điều 13)."""
    if seal_certificate.kind != "seal":
        raise PermissionDenied(_("This is not a seal certificate."))
    return sign_version(version, certificate=seal_certificate, pin=pin, level=level, signed_by=signed_by)


def unit_seal(unit: Unit) -> SigningCertificate | None:
    """The unit's current organisation seal certificate (the newest valid one), if it has one."""
    now = timezone.now()
    return (
        SigningCertificate.objects.filter(
            unit=unit,
            kind=SigningCertificate.Kind.SEAL,
            revoked_at__isnull=True,
            not_before__lte=now,
            not_after__gt=now,
        )
        .exclude(source=SigningCertificate.Source.REMOTE)
        .order_by("-not_after", "-pk")
        .first()
    )


def seal_notice(pdf: bytes, *, certificate: SigningCertificate, pin: str, level: Level = "B-B") -> bytes:
    """The organisation's seal applied by the system to a notice it sends electronically.

    TT 01/2018/TT-VPCP Điều 10: a receipt or notice sent to the applicant by electronic means
    carries the agency's digital signature. Nobody signs by hand here, so no clerk's check:
    the caller passes the unit's own seal (`unit_seal`) and the deployment's seal PIN.
    """
    if certificate.kind != SigningCertificate.Kind.SEAL or certificate.unit is None:
        raise PermissionDenied(_("This is not a seal certificate."))
    with signing.open_signer(_signer_source(certificate, pin)) as signer:
        content = signing.sign_pdf(
            pdf,
            signer,
            level=level,
            field_name=_field_name(certificate),
            appearance=_appearance(certificate, None, certificate.unit),  # type: ignore[arg-type]
            reason=_reason(certificate),
        )
    audit.record(
        actor=None,
        action="signatures.notice_sealed",
        target=certificate,
        unit_id=certificate.unit_id,
        after={
            "certificate": certificate.serial,
            "level": level,
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    return content


# --- Validation -----------------------------------------------------------------------------------


def validate_version(version: DocumentVersion, *, validated_by: User | None) -> SignatureValidation:
    """Check every signature of a version and keep the report."""
    with version.file.open("rb") as handle:
        pdf = handle.read()
    result = validate_pdf(pdf)
    report = result.as_json()
    known = {
        row.serial: row
        for row in SigningCertificate.objects.filter(serial__in=[r["serial"] for r in report if r["serial"]])
    }
    for entry in report:
        row = known.get(entry["serial"])
        if row is not None:
            entry["is_seal"] = row.kind == "seal"
    with transaction.atomic():
        validation = SignatureValidation.objects.create(
            version=version, validated_by=validated_by, status=result.status, report=report
        )
        audit.record(
            actor=validated_by,
            action="signatures.validated",
            target=validation,
            unit_id=version.document.unit_id,
            after={"version": version.pk, "status": result.status, "signatures": len(report)},
        )
    return validation


def applied_level(version: DocumentVersion) -> str:
    """The PAdES level of the newest signature in a signed version, read from its file."""
    with version.file.open("rb") as handle:
        return signing.applied_level(handle.read())


def latest_validation(version: DocumentVersion) -> SignatureValidation | None:
    return version.signature_validations.order_by("-validated_at", "-pk").first()


# --- Remote signing -------------------------------------------------------------------------------


def prepare_remote(
    version: DocumentVersion, *, certificate: SigningCertificate, level: Level, requested_by: User
) -> SigningRequest:
    """Prepare the document and what to sign; an external signer returns the signature value."""
    check_can_sign(requested_by, version, certificate)
    _check_signable(version)
    cert = x509.load_der_x509_certificate(bytes(certificate.certificate_der))
    with version.file.open("rb") as handle:
        pdf = handle.read()
    appearance = _appearance(certificate, requested_by, version.document.unit)
    field_name = _field_name(certificate)
    prepared = signing.prepare_remote_signing(
        pdf,
        certificate=cert,
        field_name=field_name,
        appearance=appearance,
        reason=_reason(certificate),
    )
    with transaction.atomic():
        request = SigningRequest.objects.create(
            version=version,
            certificate=certificate,
            level=level,
            field_name=field_name,
            prepared_pdf=prepared.prepared_pdf,
            reserved_start=prepared.reserved_start,
            reserved_end=prepared.reserved_end,
            document_digest=prepared.document_digest,
            signed_attributes=prepared.to_be_signed,
            digest=prepared.digest,
            created_by=requested_by,
            expires_at=timezone.now() + REMOTE_REQUEST_LIFETIME,
        )
        audit.record(
            actor=requested_by,
            action="signatures.remote_prepared",
            target=request,
            unit_id=version.document.unit_id,
            after={"version": version.pk, "certificate": certificate.serial, "level": level},
        )
    return request


def complete_remote(
    request: SigningRequest,
    *,
    completed_by: User,
    signature_value: bytes | None = None,
    cms: bytes | None = None,
) -> DocumentVersion:
    """Embed the external signature, store the signed version and validate it."""
    if request.created_by_id != completed_by.pk:
        raise PermissionDenied(_("This signing request belongs to someone else."))
    if request.state != SigningRequest.State.PENDING:
        raise ValidationError(_("This signing request is already closed."), code="closed")
    if request.expires_at < timezone.now():
        SigningRequest.objects.filter(pk=request.pk).update(state=SigningRequest.State.EXPIRED)
        raise ValidationError(_("This signing request has expired."), code="expired")
    version = request.version
    if version.document.current_version_id != version.pk:
        raise ValidationError(_("The document has changed since the request was prepared."), code="stale")
    certificate = request.certificate
    cert = x509.load_der_x509_certificate(bytes(certificate.certificate_der))
    prepared = signing.PreparedSignature(
        prepared_pdf=bytes(request.prepared_pdf),
        reserved_start=request.reserved_start,
        reserved_end=request.reserved_end,
        document_digest=bytes(request.document_digest),
        to_be_signed=bytes(request.signed_attributes),
        digest=bytes(request.digest),
    )
    level: Level = request.level  # type: ignore[assignment]
    content = signing.complete_remote_signing(
        prepared, certificate=cert, level=level, signature_value=signature_value, cms_der=cms
    )
    with transaction.atomic():
        signed = _store_signed(
            version,
            content,
            certificate=certificate,
            level=signing.applied_level(content),
            signed_by=completed_by,
            remote=True,
        )
        request.state = SigningRequest.State.COMPLETED
        request.result = signed
        request.prepared_pdf = b""  # the signed version now holds the content
        request.save(update_fields=["state", "result", "prepared_pdf"])
        audit.record(
            actor=completed_by,
            action="signatures.remote_completed",
            target=request,
            unit_id=version.document.unit_id,
            after={"version": signed.pk},
        )
    validate_version(signed, validated_by=completed_by)
    return signed


# --- Batch signing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    done: int
    failed: int
    total: int


def start_batch(
    versions: Sequence[DocumentVersion], *, certificate: SigningCertificate, level: Level, requested_by: User
) -> BatchSigningJob:
    """Check every version first (all or nothing), then record the job."""
    for version in versions:
        check_can_sign(requested_by, version, certificate)
        _check_signable(version)
    with transaction.atomic():
        job = BatchSigningJob.objects.create(
            requested_by=requested_by,
            certificate=certificate,
            level=level,
            version_ids=[v.pk for v in versions],
            total=len(versions),
        )
        audit.record(
            actor=requested_by,
            action="signatures.batch_started",
            target=job,
            after={"versions": job.version_ids, "certificate": certificate.serial, "level": level},
        )
    return job


def run_batch(
    job: BatchSigningJob, *, pin: str, progress: Callable[[Progress], None] | None = None
) -> BatchSigningJob:
    """Sign every version of the job with one unlock of the key; progress is saved per document.

    The PIN lives only in this call's memory, never in the database or a task queue: so the
    batch runs in the request that received the PIN (see docs/howto/signing.md).
    """
    certificate = job.certificate
    signed_by = job.requested_by
    BatchSigningJob.objects.filter(pk=job.pk).update(status=BatchSigningJob.Status.RUNNING)
    results: list[int] = []
    done = failed = 0
    errors: list[str] = []
    try:
        with signing.open_signer(_signer_source(certificate, pin)) as signer:
            for version in DocumentVersion.objects.filter(pk__in=job.version_ids).select_related(
                "document", "document__unit"
            ):
                try:
                    signed = _sign_one(
                        version,
                        signer=signer,
                        certificate=certificate,
                        level=job.level,  # type: ignore[arg-type]
                        signed_by=signed_by,
                        appearance=None,
                        validate=True,
                    )
                    results.append(signed.pk)
                    done += 1
                except (SigningError, ValidationError) as exc:
                    failed += 1
                    errors.append(f"{version.document.title}: {exc}")
                BatchSigningJob.objects.filter(pk=job.pk).update(done=done, failed=failed, result_ids=results)
                if progress is not None:
                    progress(Progress(done, failed, job.total))
    except SigningError as exc:
        _finish_batch(job, status=BatchSigningJob.Status.FAILED, error=str(exc), actor=signed_by)
        raise
    status = BatchSigningJob.Status.DONE if not failed else BatchSigningJob.Status.FAILED
    return _finish_batch(job, status=status, error="\n".join(errors), actor=signed_by)


def _finish_batch(job: BatchSigningJob, *, status: str, error: str, actor: User) -> BatchSigningJob:
    with transaction.atomic():
        BatchSigningJob.objects.filter(pk=job.pk).update(
            status=status, error=error, finished_at=datetime.now(tz=UTC)
        )
        job.refresh_from_db()
        audit.record(
            actor=actor,
            action="signatures.batch_finished",
            target=job,
            after={"status": status, "done": job.done, "failed": job.failed, "results": job.result_ids},
        )
    return job


def sign_batch(
    versions: Sequence[DocumentVersion],
    *,
    certificate: SigningCertificate,
    pin: str,
    level: Level,
    signed_by: User,
    progress: Callable[[Progress], None] | None = None,
) -> BatchSigningJob:
    """Sign several versions after one PIN entry."""
    job = start_batch(versions, certificate=certificate, level=level, requested_by=signed_by)
    return run_batch(job, pin=pin, progress=progress)
