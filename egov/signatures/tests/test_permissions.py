"""Who may see and sign: outsiders and citizens see nothing; only leaders sign, only clerks seal."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from egov.core.models import AuditEntry
from egov.documents.models import DocumentVersion
from egov.signatures import services
from egov.signatures.models import SignatureValidation, SigningRequest
from egov.signatures.tests.conftest import PIN


def _client(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["outsider", "citizen"])
def test_outsiders_and_citizens_get_404(request, who, document):
    client = _client(request.getfixturevalue(who))
    version = document.current_version
    base = f"/can-bo/ky-so/tai-lieu/{document.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(base + "ky/", {}).status_code == 404
    assert client.post(base + f"phien-ban/{version.pk}/kiem-tra/").status_code == 404
    assert client.post(f"/api/v1/documents/{document.pk}/validations").status_code == 404
    assert client.get(f"/api/v1/documents/{document.pk}/validations/latest").status_code == 404
    response = client.post(
        f"/api/v1/documents/{document.pk}/signatures",
        {"certificate_id": 1, "pin": PIN, "level": "B-B"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert SignatureValidation.objects.count() == 0


def test_anonymous_is_sent_to_login(client, document):
    response = client.get(f"/can-bo/ky-so/tai-lieu/{document.pk}/")
    assert response.status_code == 302
    assert "/tai-khoan/" in response["Location"]
    assert client.post(f"/api/v1/documents/{document.pk}/validations").status_code == 401


def test_specialist_cannot_sign_even_with_a_certificate(document, specialist, province):
    cert = services.issue_certificate(
        kind="personal", pin=PIN, issued_by=None, owner=specialist, unit=province.department
    )
    before = (DocumentVersion.objects.count(), AuditEntry.objects.count(), SigningRequest.objects.count())
    with pytest.raises(PermissionDenied):
        services.sign_version(
            document.current_version, certificate=cert, pin=PIN, level="B-B", signed_by=specialist
        )
    client = _client(specialist)
    page = client.get(f"/can-bo/ky-so/tai-lieu/{document.pk}/")
    assert page.status_code == 200
    assert 'name="sign-pin"' not in page.content.decode()
    response = client.post(
        f"/can-bo/ky-so/tai-lieu/{document.pk}/ky/",
        {"sign-certificate": cert.pk, "sign-level": "B-B", "sign-pin": PIN},
    )
    assert response.status_code == 403
    api = client.post(
        f"/api/v1/documents/{document.pk}/signatures",
        {"certificate_id": cert.pk, "pin": PIN, "level": "B-B"},
        content_type="application/json",
    )
    assert api.status_code == 403
    remote = client.post(
        "/api/v1/signing-requests",
        {"document_id": document.pk, "certificate_id": cert.pk, "level": "B-B"},
        content_type="application/json",
    )
    assert remote.status_code == 403
    assert (
        DocumentVersion.objects.count(),
        AuditEntry.objects.count(),
        SigningRequest.objects.count(),
    ) == before


def test_someone_elses_certificate_and_seals(document, leader, clerk, province, seal_cert):
    other_leader_cert = services.issue_certificate(
        kind="personal", pin=PIN, issued_by=None, owner=clerk, unit=province.department
    )
    with pytest.raises(PermissionDenied):
        services.sign_version(
            document.current_version, certificate=other_leader_cert, pin=PIN, level="B-B", signed_by=leader
        )
    # The leader is no clerk: the seal is not theirs to apply.
    with pytest.raises(PermissionDenied):
        services.add_seal(document.current_version, seal_certificate=seal_cert, pin=PIN, signed_by=leader)
    # A revoked certificate signs nothing.
    services.revoke_certificate(seal_cert, reason="superseded", revoked_by=None)
    with pytest.raises(PermissionDenied):
        services.add_seal(document.current_version, seal_certificate=seal_cert, pin=PIN, signed_by=clerk)
    assert document.versions.count() == 1
