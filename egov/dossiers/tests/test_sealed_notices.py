"""Receipts and notices sent electronically carry the unit's seal (TT 01/2018 Điều 10; issue 11 item 6).

The citizen downloads the receipt (Mẫu 01) of an online dossier from the portal: the PDF has a
valid PAdES signature by the receiving unit's seal certificate, and every download is the same
bytes until the dossier changes. The desk's printed copy stays unsealed (it is stamped by hand).
"""

import pytest
from django.urls import reverse

from egov.dossiers import online
from egov.dossiers.models import SealedNotice
from egov.dossiers.tests.online_factories import citizen, online_procedure, submitted
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.signatures import pki
from egov.signatures.services import issue_certificate
from egov.signatures.validation import validate_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def seal(settings, province):
    settings.EGOV_NOTICE_SEAL_PIN = pki.DEMO_PIN
    return issue_certificate(kind="seal", pin=pki.DEMO_PIN, issued_by=None, unit=province.commune)


def test_the_citizens_receipt_is_sealed_by_the_unit_and_the_desk_copy_is_not(client, province, seal):
    owner = citizen()
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.dau")
    dossier = submitted(online_procedure(), owner, province.commune)
    online.receive_online(dossier, by=desk)
    url = reverse("dossiers:print", args=[dossier.code, "01"])

    client.force_login(owner)
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    result = validate_pdf(first.content)
    assert result.status == "valid", result.as_json()
    [signature] = result.signatures
    assert signature.serial == seal.serial
    assert signature.trusted
    assert "Ủy ban nhân dân xã Đồng Hỷ" in signature.signer
    # Sealed once: the next download is the stored copy, byte for byte.
    assert client.get(url).content == first.content
    assert SealedNotice.objects.filter(dossier=dossier, form="01").count() == 1

    client.force_login(desk)
    desk_copy = client.get(url)
    assert desk_copy.status_code == 200
    assert validate_pdf(desk_copy.content).status == "unsigned"


def test_the_supplement_notice_is_sealed_too(client, province, seal):
    owner = citizen()
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.dau")
    dossier = submitted(online_procedure(), owner, province.commune)
    online.request_supplement_online(dossier, by=desk, missing=["Giấy chứng sinh"], reason="Ảnh mờ")
    client.force_login(owner)

    notice = client.get(reverse("dossiers:print", args=[dossier.code, "02"]))

    assert notice.status_code == 200
    assert validate_pdf(notice.content).status == "valid"
    assert SealedNotice.objects.get(dossier=dossier).certificate_serial == seal.serial
