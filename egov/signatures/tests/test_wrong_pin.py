"""A wrong PIN gives a clear error and writes nothing."""

import lxml.html  # type: ignore[import-untyped]
import pytest
from django.test import Client
from django.utils import translation

from egov.core.models import AuditEntry
from egov.documents.models import DocumentVersion
from egov.signatures import services
from egov.signatures.signing import WrongPinError


def test_service_refuses_a_wrong_pin(document, leader, leader_cert):
    before = (DocumentVersion.objects.count(), AuditEntry.objects.count())
    with translation.override("en"), pytest.raises(WrongPinError, match="Wrong PIN"):
        services.sign_version(
            document.current_version, certificate=leader_cert, pin="000000", level="B-B", signed_by=leader
        )
    assert (DocumentVersion.objects.count(), AuditEntry.objects.count()) == before


def test_page_shows_the_error_on_the_pin_field(document, leader, leader_cert):
    client = Client(headers={"accept-language": "en"})
    client.force_login(leader)
    response = client.post(
        f"/can-bo/ky-so/tai-lieu/{document.pk}/ky/",
        {"sign-certificate": leader_cert.pk, "sign-level": "B-B", "sign-pin": "999999"},
    )
    assert response.status_code == 400
    assert "Wrong PIN." in response.content.decode()
    assert document.versions.count() == 1


def test_the_pin_s_error_is_tied_to_its_input(document, leader, leader_cert):
    """The sign form's fields come from the shared field template (templates/components/field.html)."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(leader)
    response = client.post(
        f"/can-bo/ky-so/tai-lieu/{document.pk}/ky/",
        {"sign-certificate": leader_cert.pk, "sign-level": "B-B", "sign-pin": "999999"},
    )
    page = lxml.html.fromstring(response.content.decode())
    pin = page.get_element_by_id("id_sign-pin")
    assert (pin.get("aria-invalid"), pin.get("aria-describedby")) == ("true", "id_sign-pin_error")
    assert "Wrong PIN." in page.get_element_by_id("id_sign-pin_error").text_content()
    assert page.xpath("//div[@class='field has-error']/label[@for='id_sign-pin']")
    assert page.xpath("//div[@class='field']/label[@for='id_sign-certificate']")
