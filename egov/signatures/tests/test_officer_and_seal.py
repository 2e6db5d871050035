"""The leader signs, then the clerk applies the seal over it: both signatures stay valid."""

import io

import pikepdf
from django.utils import translation

from egov.documents.models import DocumentVersion
from egov.signatures import services
from egov.signatures.models import SignatureValidation
from egov.signatures.tests.conftest import PIN


def test_leader_then_seal_both_valid(document, leader, clerk, leader_cert, seal_cert):
    v1 = document.current_version
    signed = services.sign_version(v1, certificate=leader_cert, pin=PIN, level="B-T", signed_by=leader)
    assert signed.origin == DocumentVersion.Origin.SIGNED
    assert signed.derived_from == v1
    assert signed.has_signatures
    sealed = services.add_seal(signed, seal_certificate=seal_cert, pin=PIN, signed_by=clerk)
    assert sealed.derived_from == signed
    assert sealed.number == 3

    validation = SignatureValidation.objects.filter(version=sealed).latest("pk")
    assert validation.status == "valid", validation.report
    leader_report, seal_report = validation.report
    assert leader_report["serial"] == leader_cert.serial
    assert not leader_report["is_seal"]
    assert leader_report["modification"] == "form filling"  # only the seal was added after it
    assert leader_report["changes_after_signing"] is False
    assert seal_report["serial"] == seal_cert.serial
    assert seal_report["is_seal"]
    assert seal_report["signer_name"] == "Sở Tư pháp"
    # The seal is the unit's own: O names it as well (L names the province).
    assert seal_report["organisation"] == "Sở Tư pháp"

    # Both are visible on the last page: the seal overlaps the left of the leader's box (ND 30/2020).
    with sealed.file.open("rb") as handle, pikepdf.open(io.BytesIO(handle.read())) as pdf:
        annots = [a for a in pdf.pages[-1].Annots if a.get("/FT") == "/Sig"]
        boxes = [[float(x) for x in a.Rect] for a in annots]
    assert len(boxes) == 2
    leader_box, seal_box = boxes
    assert seal_box[0] < leader_box[0] < seal_box[2] < leader_box[2]

    with translation.override("en"):
        from django.test import Client

        client = Client()
        client.force_login(clerk)
        page = client.get(
            f"/can-bo/ky-so/tai-lieu/{document.pk}/", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "All signatures are valid" in page
    assert "Organisation seal" in page
