"""Who may pay a dossier's fees online, and what cannot be paid."""

import pytest
import requests
from django.urls import reverse

from egov.dossiers.models import Dossier, Payment
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member, make_user

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def no_http(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("no HTTP call was expected")

    monkeypatch.setattr(requests.Session, "request", refuse)


@pytest.fixture
def desk(province):
    return make_member(Role.DESK_OFFICER, province.commune, "motcua.dh")


@pytest.fixture
def owner(db):
    return make_user("congdan.an", kind="citizen")


def owned(dossier: Dossier, owner) -> Dossier:
    dossier.citizen = owner
    dossier.save(update_fields=["citizen"])
    return dossier


def test_the_owner_sees_the_amount_from_the_catalogue(client, province, desk, owner):
    dossier = owned(receive(commune_procedure(), province.commune, desk), owner)
    client.force_login(owner)

    page = client.get(reverse("dossiers:pay", args=[dossier.code]), **EN)

    assert page.status_code == 200
    assert "Lệ phí đăng ký khai sinh" in page.text
    assert 'data-amount="8000"' in page.text


def test_another_citizen_cannot_pay_for_the_dossier(client, province, desk, owner):
    dossier = owned(receive(commune_procedure(), province.commune, desk), owner)
    client.force_login(make_user("congdan.khac", kind="citizen"))

    assert client.get(reverse("dossiers:pay", args=[dossier.code])).status_code == 404
    assert client.post(reverse("dossiers:pay", args=[dossier.code])).status_code == 404
    assert Payment.objects.count() == 0


def test_staff_do_not_pay_through_the_citizens_gateway(client, province, desk, owner):
    dossier = owned(receive(commune_procedure(), province.commune, desk), owner)
    client.force_login(desk)

    assert client.post(reverse("dossiers:pay", args=[dossier.code])).status_code == 403
    assert Payment.objects.count() == 0


def test_login_is_needed(client, province, desk, owner):
    dossier = owned(receive(commune_procedure(), province.commune, desk), owner)

    response = client.post(reverse("dossiers:pay", args=[dossier.code]))

    assert response.status_code == 302
    assert "/tai-khoan/" in response["Location"]


def test_a_dossier_without_a_fee_cannot_be_paid(client, province, desk, owner, no_http):
    dossier = owned(receive(commune_procedure(fees=[]), province.commune, desk), owner)
    assert dossier.fee_amount == 0
    client.force_login(owner)

    response = client.post(reverse("dossiers:pay", args=[dossier.code]), **EN)

    assert response.status_code == 409
    assert "This dossier has no fee to pay." in response.text
    assert response.context["codes"] == ["no_fee"]
    assert Payment.objects.count() == 0


def test_the_receipt_of_someone_elses_payment_is_not_found(client, province, desk, owner):
    dossier = owned(receive(commune_procedure(), province.commune, desk), owner)
    client.force_login(make_user("congdan.khac", kind="citizen"))

    assert client.get(reverse("dossiers:payment_receipt", args=[f"{dossier.code}-1"])).status_code == 404
