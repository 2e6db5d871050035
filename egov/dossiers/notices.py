"""Receipts and notices delivered electronically carry the receiving unit's seal (TT 01/2018 Điều 10).

The desk prints Mẫu 01–05 on paper and stamps them by hand (egov.dossiers.printing, unchanged).
When the applicant downloads one from the portal, that is electronic delivery: the PDF is sealed
with the unit's organisation seal certificate (egov.signatures) once per dossier state and stored,
so every download of the same notice is the same bytes, and its seal checks out.
"""

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from egov.dossiers import printing
from egov.dossiers.models import Dossier, SealedNotice
from egov.signatures import services as signature_services

logger = logging.getLogger(__name__)


def electronic_copy(dossier: Dossier, form: str, *, edition: printing.Edition) -> bytes:
    """Mẫu `form` of the dossier as sent to the applicant: sealed by the receiving unit.

    Without a usable seal (none issued, or no seal PIN configured) the notice is served unsealed
    and the gap is logged: the applicant still gets the receipt the law promises.
    """
    state = dossier.events.order_by("-pk").values_list("pk", flat=True).first() or 0
    stored = SealedNotice.objects.filter(dossier=dossier, form=form, edition=edition, state=state).first()
    if stored is not None:
        with stored.file.open("rb") as handle:
            kept: bytes = handle.read()
        return kept
    content = printing.render_form(dossier, form, edition=edition)
    certificate = signature_services.unit_seal(dossier.receiving_unit)
    pin = getattr(settings, "EGOV_NOTICE_SEAL_PIN", "")
    if certificate is None or not pin:
        logger.warning(
            "dossier %s: Mẫu %s sent unsealed: no seal for %s", dossier.code, form, dossier.receiving_unit
        )
        return content
    sealed = signature_services.seal_notice(content, certificate=certificate, pin=pin)
    digest = hashlib.sha256(sealed).hexdigest()
    try:
        with transaction.atomic():
            SealedNotice.objects.create(
                dossier=dossier,
                unit=dossier.receiving_unit,
                form=form,
                edition=edition,
                state=state,
                file=ContentFile(sealed, name=f"{dossier.code}-mau-{form}-{digest[:12]}.pdf"),
                sha256=digest,
                certificate_serial=certificate.serial,
            )
    except IntegrityError:
        # Two downloads at once: the first stored copy is the one everybody gets.
        return electronic_copy(dossier, form, edition=edition)
    return sealed
