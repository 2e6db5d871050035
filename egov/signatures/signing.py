"""Signing PDFs (PAdES baseline B-B, B-T, B-LT) on bytes, with pyHanko.

Every signature is an incremental update, so earlier signatures (the leader's, then the seal)
stay valid. Signatures use sub-filter ETSI.CAdES.detached with SHA-256 (PAdES, ETSI EN 319 142;
ND 23/2025 requires a standard signature format that can be checked by anyone).
"""

import asyncio
import contextlib
import hashlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

import requests
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.utils.translation import gettext as _
from PIL import Image
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation import add_validation_info
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from egov.signatures import pki, validation
from egov.signatures.appearance import (
    BOX_HEIGHT,
    IMAGE_HEIGHT,
    RESERVED_ANCHOR,
    Appearance,
    signing_time_text,
    stamp_font_path,
)

logger = logging.getLogger(__name__)

type Level = Literal["B-B", "B-T", "B-LT"]
LEVELS: tuple[Level, ...] = ("B-B", "B-T", "B-LT")
# Room for the CMS in remote signing, where it cannot be estimated from a real signature:
# the certificate chain, a time-stamp token with its chain, and hex encoding (×2).
REMOTE_BYTES_RESERVED = 24_000


class SigningError(Exception):
    """A signature could not be made; the message is safe to show to the signer."""


class WrongPinError(SigningError):
    pass


@dataclass(frozen=True)
class Pkcs12Source:
    path: Path | str
    passphrase: str


@dataclass(frozen=True)
class Pkcs11Source:
    library: str
    token_label: str
    key_label: str
    pin: str
    cert_label: str | None = None
    # Hash in Python and let the token sign the digest (CKM_ECDSA): every token supports that,
    # while many (SoftHSM2 among them) lack CKM_ECDSA_SHA256. ECDSA keys only.
    use_raw_mechanism: bool = False


type SignerSource = Pkcs12Source | Pkcs11Source | signers.Signer


def _chain_store() -> SimpleCertificateStore:
    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    demo = pki.load_demo_pki()
    if demo is not None:
        store.register_multiple([demo.issuing.asn1, demo.root.asn1])
    return store


@contextlib.contextmanager
def open_signer(source: SignerSource) -> Iterator[signers.Signer]:
    """Unlock the key once (one PIN entry); the signer can then sign many documents."""
    if isinstance(source, Pkcs12Source):
        try:
            data = Path(source.path).read_bytes()
        except OSError as exc:
            raise SigningError(_("The key file of this certificate is missing.")) from exc
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(
                data, other_certs=(), passphrase=source.passphrase.encode("utf-8")
            )
        except ValueError as exc:
            raise WrongPinError(_("Wrong PIN.")) from exc
        yield signer
        return
    if isinstance(source, Pkcs11Source):
        from pkcs11 import exceptions as p11_exceptions
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11

        try:
            session = pkcs11.open_pkcs11_session(
                source.library, token_criteria=TokenCriteria(label=source.token_label), user_pin=source.pin
            )
        except p11_exceptions.PinIncorrect as exc:
            raise WrongPinError(_("Wrong PIN.")) from exc
        except (p11_exceptions.PKCS11Error, OSError) as exc:
            logger.warning("PKCS#11 token %r unavailable: %r", source.token_label, exc)
            raise SigningError(
                _(
                    "The signing token cannot be used: check that it is plugged in and unlocked, then "
                    "try again. Nothing was signed."
                )
            ) from exc
        try:
            yield pkcs11.PKCS11Signer(
                session,
                key_label=source.key_label,
                cert_label=source.cert_label or source.key_label,
                other_certs_to_pull=None,
                ca_chain=list(_chain_store()),
                use_raw_mechanism=source.use_raw_mechanism,
            )
        finally:
            session.close()
        return
    yield source


def _page_geometry(writer: IncrementalPdfFileWriter, page: int) -> tuple[int, float]:
    count = int(writer.root["/Pages"]["/Count"])
    index = page if page >= 0 else count + page
    index = max(0, min(index, count - 1))
    page_obj = writer.find_page_for_modification(index)[0].get_object()  # type: ignore[no-untyped-call]
    box = page_obj.get("/MediaBox") or [0, 0, 595, 842]
    return index, float(box[2]) - float(box[0])


def _named_destinations(root: Any) -> dict[str, Any]:
    """The document's named destinations (the /Dests name tree of PDF 1.7 § 7.7.4, or /Dests)."""
    found: dict[str, Any] = {}

    def walk(node: Any, depth: int = 0) -> None:
        if depth > 16:  # a name tree deeper than this is malformed, not a real document
            return
        names = node.get("/Names")
        if names is not None:
            for at in range(0, len(names) - 1, 2):
                value = names[at + 1]
                found[str(names[at])] = value.get_object() if hasattr(value, "get_object") else value
        for kid in node.get("/Kids") or []:
            walk(kid.get_object(), depth + 1)

    tree = (root.get("/Names") or {}).get("/Dests")
    if tree is not None:
        walk(tree.get_object())
    old = root.get("/Dests")
    if old is not None:
        for key, value in old.get_object().items():
            found[str(key).lstrip("/")] = value.get_object() if hasattr(value, "get_object") else value
    return found


def reserved_box(writer: IncrementalPdfFileWriter) -> tuple[int, tuple[int, int]] | None:
    """(page index, bottom left of the signature box) the document reserves, if it does.

    egov's results mark the top left of the box in the signer block with a named destination
    [page /XYZ left top zoom] (appearance.RESERVED_ANCHOR); the box's size is fixed.
    """
    try:
        destination: Any = _named_destinations(writer.root).get(RESERVED_ANCHOR)
        if isinstance(destination, dict):
            destination = destination.get("/D")  # a destination may be wrapped as << /D [...] >>
        if not isinstance(destination, generic.ArrayObject) or len(destination) < 4:
            return None
        if str(destination[1]) != "/XYZ":
            return None
        page_ref = destination.raw_get(0)  # the reference, not the page it resolves to
        count = int(writer.root["/Pages"]["/Count"])
        for index in range(count):
            ref = writer.find_page_for_modification(index)[0]  # type: ignore[no-untyped-call]
            if ref.idnum == page_ref.idnum:
                left, top = float(destination[2]), float(destination[3])
                return index, (round(left), round(top - BOX_HEIGHT))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return None


def _taken(writer: IncrementalPdfFileWriter, index: int, box: tuple[int, int, int, int]) -> bool:
    """Whether a signature already fills this box (a second signer goes bottom right instead)."""
    page = writer.find_page_for_modification(index)[0].get_object()  # type: ignore[no-untyped-call]
    for annot in page.get("/Annots") or []:
        rect = annot.get_object().get("/Rect")
        if rect is not None and [round(float(v)) for v in rect] == list(box):
            return True
    return False


def _style_and_spec(
    writer: IncrementalPdfFileWriter, field_name: str, appearance: Appearance | None, moment: datetime
) -> tuple[Any, fields.SigFieldSpec, dict[str, str]]:
    if appearance is None:
        return TextStampStyle(), fields.SigFieldSpec(field_name), {}
    reserved = None if appearance.box else reserved_box(writer)
    if reserved is not None and not _taken(writer, reserved[0], appearance.box_at(*reserved[1])):
        index, (x1, y1) = reserved
        box = appearance.box_at(x1, y1)
    else:
        index, width = _page_geometry(writer, appearance.page)
        box = appearance.box or appearance.default_box(width)
    spec = fields.SigFieldSpec(field_name, on_page=index, box=box)
    image = Image.open(io.BytesIO(appearance.image_png)) if appearance.image_png else None
    if appearance.kind == "seal":
        if image is None:
            raise SigningError(_("A seal needs its image."))
        return StaticStampStyle(background=PdfImage(image), border_width=0), spec, {}
    # ND 30/2020 Phụ lục I: the signature image sits above the signer's name; below it, who signed,
    # in which capacity and when (hh:mm:ss with the Vietnam offset).
    lines = [f"Ký bởi: {_escape(appearance.signer_name)}"]
    capacity = " – ".join(part for part in (appearance.position, appearance.unit) if part)
    if capacity:
        lines.append(_escape(capacity))
    lines.append("Thời gian ký: %(signing_time)s")
    style = TextStampStyle(
        stamp_text="\n".join(lines),
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(stamp_font_path(), font_size=7), leading=9),
        border_width=1,
        background=PdfImage(image) if image is not None else None,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins(left=4, right=4, top=3, bottom=BOX_HEIGHT - IMAGE_HEIGHT),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(left=6, right=4, top=4, bottom=5),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )
    return style, spec, {"signing_time": signing_time_text(moment)}


def _escape(text: str) -> str:
    """Stamp text is a %-format string; names must not be read as placeholders."""
    return text.replace("%", "%%")


def sign_pdf(
    pdf: bytes,
    signer: SignerSource,
    *,
    level: Level,
    field_name: str,
    appearance: Appearance | None,
    reason: str,
    location: str = pki.PROVINCE,
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Sign a PDF and return the signed bytes (an incremental update of the input).

    B-T adds an RFC 3161 time stamp on the signature; B-LT also embeds the certificates and
    revocation data (OCSP/CRL) needed to check it later without the network (the DSS).
    """
    if level not in LEVELS:
        msg = f"Unknown level {level}"
        raise ValueError(msg)
    if level == "B-LT" and validation_context is None:
        validation_context = validation.validation_context()
    if level != "B-B" and timestamper is None:
        timestamper = validation.default_timestamper()
    with open_signer(signer) as opened:
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        except Exception as exc:
            raise SigningError(_("The file is not a readable PDF.")) from exc
        moment = datetime.now(tz=UTC)
        style, spec, params = _style_and_spec(writer, field_name, appearance, moment)
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            reason=reason,
            location=location,
            name=appearance.signer_name if appearance else None,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            embed_validation_info=level == "B-LT",
            use_pades_lta=False,
            validation_context=validation_context if level == "B-LT" else None,
        )
        pdf_signer = signers.PdfSigner(
            meta, opened, timestamper=timestamper, stamp_style=style, new_field_spec=spec
        )
        try:
            out = validation.outside_event_loop(
                lambda: pdf_signer.sign_pdf(writer, appearance_text_params=params or None)
            )
        except SigningError:
            raise
        except Exception as exc:
            raise _explained(exc, level) from exc
    signed = bytes(out.getvalue())
    ensure_level(signed, asked=level, field_name=field_name)
    return signed


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _explained(error: BaseException, level: str) -> SigningError:
    """A failure the signer can act on, in their language; the technical detail goes to the log."""
    logger.warning("signing at %s failed: %r", level, error)
    if level != "B-B" and any(
        isinstance(e, requests.RequestException) or "timestamp" in type(e).__name__.lower()
        for e in _chain(error)
    ):
        return SigningError(
            _(
                "The time-stamping service (%(url)s) cannot be reached, so the signature cannot carry a "
                "trusted time (PAdES %(level)s). Nothing was signed. Try again later, or choose level B-B."
            )
            % {"url": validation.tsa_url(), "level": level}
        )
    return SigningError(
        _(
            "Signing failed; the document was not changed. Try again, and tell the administrator "
            "if it fails again."
        )
    )


def applied_level(signed: bytes, field_name: str | None = None) -> Level:
    """The PAdES baseline level the signature in `field_name` (default: the newest) really has.

    B-T: an RFC 3161 time stamp on the signature; B-LT: also the signer certificate's revocation
    status (an OCSP answer or its issuer's CRL) in the document security store (ETSI EN 319 142-1
    §6.3, levels B-B, B-T and B-LT).
    """
    reader = PdfFileReader(io.BytesIO(signed), strict=False)
    signatures = reader.embedded_signatures
    if field_name is None:  # the newest: the one covering the most of the file
        signature = max(signatures, key=lambda s: s.byte_range[-2] + s.byte_range[-1])
    else:
        signature = next(s for s in signatures if s.field_name == field_name)
    unsigned = signature.signer_info["unsigned_attrs"]
    stamped = unsigned.native is not None and any(
        attribute["type"].native == "signature_time_stamp_token" for attribute in unsigned
    )
    if not stamped:
        return "B-B"
    if validation.revocation_embedded(reader, signature.signer_cert):
        return "B-LT"
    return "B-T"


def ensure_level(signed: bytes, *, asked: Level, field_name: str | None = None) -> Level:
    """Refuse a signature weaker than asked, with the reason; return the level it has.

    pyHanko embeds nothing when the OCSP responder and the CRL cannot be reached, and such a
    signature would silently be only B-T ("revocation unknown" years later).
    """
    applied = applied_level(signed, field_name)
    if LEVELS.index(applied) >= LEVELS.index(asked):
        return applied
    logger.warning("signature asked at %s came out at %s: refused", asked, applied)
    if applied == "B-B":
        raise SigningError(
            _(
                "The time-stamping service (%(url)s) cannot be reached, so the signature cannot carry a "
                "trusted time (PAdES %(level)s). Nothing was signed. Try again later, or choose level B-B."
            )
            % {"url": validation.tsa_url(), "level": asked}
        )
    raise SigningError(
        _(
            "The certificate's revocation status (OCSP or CRL) could not be fetched, so the signature "
            "cannot be made at level B-LT. Nothing was signed. Try again later, or choose level B-T."
        )
    )


# --- Remote (interrupted) signing ---------------------------------------------------------------


@dataclass(frozen=True)
class PreparedSignature:
    """A PDF with a reserved signature slot, and what the external signer must sign.

    to_be_signed: the DER of the CMS signed attributes (which include the document digest);
    digest: its SHA-256 hash, for signers (tokens, remote services) that sign a hash.
    """

    prepared_pdf: bytes
    reserved_start: int
    reserved_end: int
    document_digest: bytes
    to_be_signed: bytes
    digest: bytes
    md_algorithm: str = "sha256"


def prepare_remote_signing(
    pdf: bytes,
    *,
    certificate: x509.Certificate,
    field_name: str,
    appearance: Appearance | None,
    reason: str,
    location: str = pki.PROVINCE,
) -> PreparedSignature:
    """Reserve the signature and compute what to sign; the private key stays with the signer."""
    cert = asn1_x509.Certificate.load(certificate.public_bytes(_der()))
    external = signers.ExternalSigner(signing_cert=cert, cert_registry=_chain_store(), signature_value=512)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    moment = datetime.now(tz=UTC)
    style, spec, params = _style_and_spec(writer, field_name, appearance, moment)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        name=appearance.signer_name if appearance else None,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(meta, external, stamp_style=style, new_field_spec=spec)

    async def run() -> tuple[PreparedByteRangeDigest, cms.CMSAttributes, bytes]:
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=REMOTE_BYTES_RESERVED, appearance_text_params=params or None
        )
        attrs = await external.signed_attrs(digest.document_digest, "sha256", use_pades=True)
        return digest, attrs, cast("io.BytesIO", output).getvalue()

    prepared, attrs, out = validation.outside_event_loop(lambda: asyncio.run(run()))
    tbs = attrs.dump()
    return PreparedSignature(
        prepared_pdf=bytes(out),
        reserved_start=prepared.reserved_region_start,
        reserved_end=prepared.reserved_region_end,
        document_digest=prepared.document_digest,
        to_be_signed=tbs,
        digest=hashlib.sha256(tbs).digest(),
    )


def _der() -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def verify_raw_signature(certificate: x509.Certificate, to_be_signed: bytes, signature: bytes) -> None:
    """Check an externally produced signature value before embedding it."""
    public_key = certificate.public_key()
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, to_be_signed, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, to_be_signed, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise SigningError(_("Unsupported key type."))
    except InvalidSignature as exc:
        raise SigningError(_("The signature does not match the prepared document and certificate.")) from exc


def complete_remote_signing(
    prepared: PreparedSignature,
    *,
    certificate: x509.Certificate,
    level: Level,
    signature_value: bytes | None = None,
    cms_der: bytes | None = None,
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Embed the external signature (a raw value, or a whole CMS) and finish to the asked level."""
    cert = asn1_x509.Certificate.load(certificate.public_bytes(_der()))
    if level != "B-B" and timestamper is None:
        timestamper = validation.default_timestamper()
    if cms_der is None:
        if signature_value is None:
            msg = "Give signature_value or cms_der."
            raise ValueError(msg)
        verify_raw_signature(certificate, prepared.to_be_signed, signature_value)
    output = io.BytesIO(prepared.prepared_pdf)
    digest = PreparedByteRangeDigest(
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.reserved_start,
        reserved_region_end=prepared.reserved_end,
    )

    async def run() -> None:
        if cms_der is not None:
            signature_cms: Any = cms.ContentInfo.load(cms_der)
        else:
            external = signers.ExternalSigner(
                signing_cert=cert, cert_registry=_chain_store(), signature_value=signature_value
            )
            signature_cms = await external.async_sign_prescribed_attributes(
                prepared.md_algorithm,
                signed_attrs=cms.CMSAttributes.load(prepared.to_be_signed),
                timestamper=timestamper,
            )
        await PdfTBSDocument.async_finish_signing(output, prepared_digest=digest, signature_cms=signature_cms)

    try:
        validation.outside_event_loop(lambda: asyncio.run(run()))
    except ValueError as exc:
        logger.warning("remote signature not embedded: %r", exc)
        raise SigningError(
            _(
                "The signature sent back does not fit this document (it was made for other content or "
                "with another certificate). Nothing was signed; start the signing again."
            )
        ) from exc
    signed = output.getvalue()
    if level == "B-LT":
        signed = add_dss(signed, validation_context=validation_context)
    ensure_level(bytes(signed), asked=level)
    return bytes(signed)


def add_dss(pdf: bytes, *, validation_context: ValidationContext | None = None) -> bytes:
    """Embed validation data for the last signature (turns B-T into B-LT), as an incremental update."""
    context = validation_context or validation.validation_context()
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    embedded = reader.embedded_signatures[-1]
    output = validation.outside_event_loop(lambda: add_validation_info(embedded, context))
    return bytes(output.getvalue())
