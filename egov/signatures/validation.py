"""Checking PDF signatures (PAdES) and the trust setup shared by signing and validation.

A signature is valid when its bytes are intact, its certificate chains to a trusted root, the
certificate was not revoked, and nothing but permitted changes (further signatures, validation
data) was added after it (Luật Giao dịch điện tử 2023 Điều 23–24 on the value of a digital
signature; ND 23/2025 on checking it). Trust roots are explicit: settings.EGOV_TRUST_ROOTS plus
the demo root when settings.EGOV_TRUST_DEMO_PKI (default True) allows it.
"""

import asyncio
import io
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext_noop
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError, SignatureValidationError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.api import Fetchers
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.fetchers.requests_fetchers.cert_fetch_client import RequestsCertificateFetcher
from pyhanko_certvalidator.fetchers.requests_fetchers.crl_client import RequestsCRLFetcher
from pyhanko_certvalidator.fetchers.requests_fetchers.ocsp_client import RequestsOCSPFetcher

from egov.core.site import configured_or_own
from egov.signatures import pki
from egov.signatures.pki import Responder

type Status = Literal["valid", "invalid", "indeterminate", "unsigned"]


def outside_event_loop[T](func: Callable[[], T]) -> T:
    """Run pyHanko's synchronous API (which calls asyncio.run) even when this thread already runs
    an event loop (an async view, or a test driving a browser): then in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func).result()


# --- Trust roots and fetching --------------------------------------------------------------------


def trust_roots() -> list[asn1_x509.Certificate]:
    """The configured trust anchors (PEM or DER files), plus the demo root if allowed and present."""
    roots: list[asn1_x509.Certificate] = []
    for path in settings.EGOV_TRUST_ROOTS:
        data = Path(path).read_bytes()
        if pem.detect(data):
            roots.extend(asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True))
        else:
            roots.append(asn1_x509.Certificate.load(data))
    demo = pki.load_demo_pki()
    if demo is not None and getattr(settings, "EGOV_TRUST_DEMO_PKI", True):
        roots.append(demo.root.asn1)
    return roots


def in_process() -> bool:
    """Whether the demo PKI's own services are answered in-process instead of over HTTP.

    A worker that signs must not wait for a request to its own server (with one worker that would
    deadlock), so by default egov answers its own CRL, OCSP and TSA URLs directly; certificates
    of other CAs are still checked over the network.
    """
    return bool(getattr(settings, "EGOV_PKI_IN_PROCESS", True))


class _Response:
    """Just enough of requests.Response for pyhanko_certvalidator's fetchers."""

    def __init__(self, content_type: str, content: bytes) -> None:
        self.status_code = 200
        self.content = content
        self.headers = {"Content-Type": content_type}


async def _ready(value: _Response) -> _Response:
    return value


class _LocalMixin:
    responder: Responder
    base_urls: tuple[str, ...]

    def _answer(self, method: str, url: str, body: bytes) -> Awaitable[_Response] | None:
        base = next((b for b in self.base_urls if url.startswith(b)), None)
        if base is None:
            return None
        answer = self.responder.answer(method, url[len(base) :], body)
        return None if answer is None else _ready(_Response(*answer))

    def _get(self, url: str, *, acceptable_content_types: Iterable[str]) -> Awaitable[Any]:
        local = self._answer("GET", url, b"")
        if local is not None:
            return local
        remote: Awaitable[Any] = super()._get(  # type: ignore[misc]
            url, acceptable_content_types=acceptable_content_types
        )
        return remote

    def _post(
        self, url: str, data: bytes, *, content_type: str, acceptable_content_types: Iterable[str]
    ) -> Awaitable[Any]:
        local = self._answer("POST", url, data)
        if local is not None:
            return local
        remote: Awaitable[Any] = super()._post(  # type: ignore[misc]
            url, data, content_type=content_type, acceptable_content_types=acceptable_content_types
        )
        return remote


class _LocalOCSP(_LocalMixin, RequestsOCSPFetcher):
    pass


class _LocalCRL(_LocalMixin, RequestsCRLFetcher):
    pass


class _LocalCerts(_LocalMixin, RequestsCertificateFetcher):
    pass


class LocalFirstFetcherBackend(RequestsFetcherBackend):
    """Fetches over HTTP, except URLs of the demo PKI, which are answered from a DB snapshot."""

    def __init__(self, responder: Responder, base_urls: tuple[str, ...]) -> None:
        super().__init__(per_request_timeout=10)
        self.responder = responder
        self.base_urls = base_urls

    def get_fetchers(self) -> Fetchers:
        timeout = self.per_request_timeout
        ocsp_fetcher = _LocalOCSP(per_request_timeout=timeout)
        crl_fetcher = _LocalCRL(per_request_timeout=timeout)  # type: ignore[no-untyped-call]
        cert_fetcher = _LocalCerts(per_request_timeout=timeout)
        for fetcher in (ocsp_fetcher, crl_fetcher, cert_fetcher):
            fetcher.responder, fetcher.base_urls = self.responder, self.base_urls
        return Fetchers(ocsp_fetcher=ocsp_fetcher, crl_fetcher=crl_fetcher, cert_fetcher=cert_fetcher)


def _demo_responder() -> Responder | None:
    demo = pki.load_demo_pki()
    if demo is None:
        return None
    return Responder(demo, pki.revocation_state(demo))


def validation_context(
    *,
    fetch: bool = True,
    crls: Iterable[bytes | asn1_crl.CertificateList] = (),
    ocsps: Iterable[bytes | asn1_ocsp.OCSPResponse] = (),
    other_certs: Iterable[asn1_x509.Certificate] = (),
) -> ValidationContext:
    """A fresh context: explicit trust roots, revocation checked (soft-fail: an unreachable
    responder leaves the status 'unknown', which the report shows as indeterminate).

    Call it outside any event loop: it reads the demo CA's revocation state from the database.
    """
    demo = pki.load_demo_pki()
    extra = list(other_certs)
    backend = None
    if demo is not None:
        extra.append(demo.issuing.asn1)
        if fetch and in_process():
            backend = LocalFirstFetcherBackend(
                Responder(demo, pki.revocation_state(demo)), pki.known_base_urls()
            )
    return ValidationContext(
        trust_roots=trust_roots(),
        other_certs=extra,
        allow_fetching=fetch,
        fetcher_backend=backend,
        crls=list(crls),
        ocsps=list(ocsps),
        revocation_mode="soft-fail",
    )


class LocalTimeStamper(TimeStamper):
    """The demo TSA answered in-process (same code as POST /pki/tsa/)."""

    def __init__(self, demo: pki.DemoPki) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.demo = demo

    async def async_request_tsa_response(self, req: Any) -> Any:
        from asn1crypto import tsp

        return tsp.TimeStampResp.load(pki.tsa_respond(self.demo, req.dump()))


def tsa_url() -> str:
    """settings.EGOV_TSA_URL, or egov's own demo TSA wherever egov runs now."""
    return configured_or_own("EGOV_TSA_URL", "/pki/tsa/")


def default_timestamper() -> TimeStamper:
    """The TSA of tsa_url(); the demo TSA in-process when that URL is egov's own."""
    url = tsa_url()
    demo = pki.load_demo_pki()
    if (
        demo is not None
        and in_process()
        and url.rstrip("/") + "/" in {b + "tsa/" for b in pki.known_base_urls()}
    ):
        return LocalTimeStamper(demo)
    return RequestsHTTPTimeStamper(url, timeout=10)  # type: ignore[no-untyped-call]


# --- Reports --------------------------------------------------------------------------------------


@dataclass
class SignatureReport:
    """What the validation panel shows for one signature (stored as JSON)."""

    field_name: str
    signer: str = ""
    signer_name: str = ""
    organisation: str = ""
    serial: str = ""
    issuer: str = ""
    chain: list[str] = field(default_factory=list)
    trusted: bool = False
    trust_problem: str = ""
    signing_time: str | None = None
    timestamp: dict[str, Any] = field(default_factory=lambda: {"present": False})
    revocation: dict[str, Any] = field(default_factory=lambda: {"checked": False, "status": "unknown"})
    intact: bool = False
    signature_valid: bool = False
    coverage: str = ""
    modification: str = ""
    changes_after_signing: bool = False
    level: str = "B-B"
    is_seal: bool = False
    status: Status = "indeterminate"
    # Codes of the problems found (ERROR_MESSAGES), and a technical detail for the unreadable case.
    errors: list[str] = field(default_factory=list)
    detail: str = ""


@dataclass
class ValidationResult:
    status: Status
    signatures: list[SignatureReport]

    def as_json(self) -> list[dict[str, Any]]:
        return [report.__dict__.copy() for report in self.signatures]


ERROR_MESSAGES = {
    "unreadable": gettext_noop("The signature cannot be read."),
    "altered": gettext_noop("The document was altered after signing: the signed bytes changed."),
    "bad_signature": gettext_noop("The cryptographic signature does not verify."),
    "changed_after_signing": gettext_noop("The document was changed after signing."),
    "revoked": gettext_noop("The signer's certificate is revoked."),
    "bad_timestamp": gettext_noop("The time stamp is not valid or not trusted."),
    "untrusted": gettext_noop("The certificate does not chain to a trusted root."),
    "revocation_unchecked": gettext_noop("The revocation status could not be checked."),
}

_MODIFICATION = {
    ModificationLevel.NONE: "none",
    ModificationLevel.LTA_UPDATES: "none",
    ModificationLevel.FORM_FILLING: "form filling",
    ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "other",
}
_RANK: dict[Status, int] = {"valid": 0, "unsigned": 0, "indeterminate": 1, "invalid": 2}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _name_part(name: asn1_x509.Name, key: str) -> str:
    value = name.native.get(key, "")
    return value if isinstance(value, str) else ", ".join(value)


def _dss_context_args(reader: PdfFileReader) -> tuple[list[Any], list[Any], list[Any]]:
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return [], [], []
    context = dss.as_validation_context({"allow_fetching": False, "trust_roots": []})
    return list(dss.load_certs()), list(context.crls), list(context.ocsps)


def _ocsp_covers(response: asn1_ocsp.OCSPResponse, cert: asn1_x509.Certificate) -> bool:
    try:
        basic = response["response_bytes"]["response"].parsed
        return any(
            single["cert_id"]["serial_number"].native == cert.serial_number
            for single in basic["tbs_response_data"]["responses"]
        )
    except (KeyError, ValueError, TypeError):
        return False


def _crl_covers(crl: asn1_crl.CertificateList, cert: asn1_x509.Certificate) -> bool:
    return bool(crl.issuer == cert.issuer)


def revocation_embedded(reader: PdfFileReader, cert: asn1_x509.Certificate) -> bool:
    """Whether the file's DSS holds an OCSP answer about `cert` or a CRL of its issuer (B-LT)."""
    _certs, crls, ocsps = _dss_context_args(reader)
    return any(_ocsp_covers(r, cert) for r in ocsps) or any(_crl_covers(c, cert) for c in crls)


def _revocation(
    cert: asn1_x509.Certificate,
    *,
    revoked: bool,
    context: ValidationContext,
    embedded_crls: list[asn1_crl.CertificateList],
    embedded_ocsps: list[asn1_ocsp.OCSPResponse],
) -> dict[str, Any]:
    def ocsp_matches(response: asn1_ocsp.OCSPResponse) -> bool:
        return _ocsp_covers(response, cert)

    def crl_matches(crl: asn1_crl.CertificateList) -> bool:
        return _crl_covers(crl, cert)

    embedded = any(map(ocsp_matches, embedded_ocsps)) or any(map(crl_matches, embedded_crls))
    fresh_ocsp = any(ocsp_matches(r) for r in context.ocsps if r not in embedded_ocsps)
    fresh_crl = any(crl_matches(c) for c in context.crls if c not in embedded_crls)
    if fresh_ocsp:
        source = "ocsp"
    elif fresh_crl:
        source = "crl"
    elif embedded:
        source = "embedded"
    else:
        source = ""
    checked = bool(source)
    status = "revoked" if revoked else ("good" if checked else "unknown")
    return {"checked": checked or revoked, "status": status, "source": source, "embedded": embedded}


def validate_pdf(pdf: bytes, *, fetch: bool = True) -> ValidationResult:
    """Validate every signature in a PDF. Call outside an event loop (reads the CA state)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_regular_signatures)
        doc_timestamps = list(reader.embedded_timestamp_signatures)
    except Exception as exc:
        unreadable = SignatureReport(field_name="", status="invalid", errors=["unreadable"], detail=str(exc))
        return ValidationResult("invalid", [unreadable])
    if not signatures:
        return ValidationResult("unsigned", [])
    dss_certs, dss_crls, dss_ocsps = _dss_context_args(reader)
    reports = []
    for embedded in signatures:
        context = validation_context(fetch=fetch, crls=dss_crls, ocsps=dss_ocsps, other_certs=dss_certs)
        reports.append(_report(embedded, context, dss_crls, dss_ocsps, has_doc_ts=bool(doc_timestamps)))
    overall: Status = max((r.status for r in reports), key=lambda s: _RANK[s])
    return ValidationResult(overall, reports)


def _report(
    embedded: Any,
    context: ValidationContext,
    dss_crls: list[Any],
    dss_ocsps: list[Any],
    *,
    has_doc_ts: bool,
) -> SignatureReport:
    report = SignatureReport(field_name=str(embedded.field_name))
    try:
        cert: asn1_x509.Certificate = embedded.signer_cert
        report.signer = cert.subject.human_friendly
        report.signer_name = _name_part(cert.subject, "common_name")
        report.organisation = _name_part(cert.subject, "organization_name")
        report.serial = f"{cert.serial_number:x}"
        report.issuer = cert.issuer.human_friendly
        status = outside_event_loop(lambda: validate_pdf_signature(embedded, context))
    except (SignatureValidationError, ValueError, KeyError) as exc:
        report.status = "invalid"
        report.errors.append("unreadable")
        report.detail = str(exc)
        return report

    report.intact = bool(status.intact)
    report.signature_valid = bool(status.valid)
    report.trusted = bool(status.trusted)
    indication = status.trust_problem_indic
    report.trust_problem = str(getattr(indication, "name", indication)) if indication else ""
    if status.validation_path is not None:
        report.chain = [
            c.subject.human_friendly for c in status.validation_path.iter_certs(include_root=True)
        ]
    report.signing_time = _iso(status.signer_reported_dt)
    ts = status.timestamp_validity
    if ts is not None:
        report.timestamp = {
            "present": True,
            "time": _iso(ts.timestamp),
            "valid": bool(ts.intact and ts.valid and ts.trusted),
            "tsa": ts.signing_cert.subject.human_friendly,
        }
    report.revocation = _revocation(
        cert,
        revoked=bool(status.revoked),
        context=context,
        embedded_crls=dss_crls,
        embedded_ocsps=dss_ocsps,
    )
    if status.revocation_details is not None:
        report.revocation["date"] = _iso(status.revocation_details.revocation_date)
        report.revocation["reason"] = str(status.revocation_details.revocation_reason.native)
    report.coverage = status.coverage.name.lower() if status.coverage else ""
    level = status.modification_level
    report.modification = _MODIFICATION.get(level, "other") if level is not None else ""
    report.changes_after_signing = report.modification == "other" or status.docmdp_ok is False
    if report.revocation["embedded"]:
        report.level = "B-LTA" if has_doc_ts else "B-LT"
    elif ts is not None:
        report.level = "B-T"
    report.is_seal = "seal" in report.field_name.lower()

    checks = [
        ("altered", not report.intact),
        ("bad_signature", not report.signature_valid),
        ("changed_after_signing", report.changes_after_signing),
        ("revoked", bool(status.revoked)),
        ("bad_timestamp", ts is not None and not report.timestamp["valid"]),
        ("untrusted", not report.trusted and not status.revoked),
        ("revocation_unchecked", not report.revocation["checked"]),
    ]
    report.errors.extend(code for code, failed in checks if failed)

    if not (report.intact and report.signature_valid) or report.changes_after_signing or status.revoked:
        report.status = "invalid"
    elif report.errors:
        report.status = "indeterminate"
    else:
        report.status = "valid"
    return report
