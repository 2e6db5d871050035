"""Organisations act through their legal representative or people it authorised (ND 69/2024)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from egov.accounts import citizen_services
from egov.accounts.citizen_services import acting_for, authorising_person, normalise_tax_code, principal_for
from egov.accounts.models import Organisation, Representation, User
from egov.accounts.tests.conftest import START
from egov.accounts.tests.helpers import make_user
from egov.core.models import AuditEntry

TAX_CODE = "0100107518"  # a well-formed enterprise code (its check digit is right)
REGISTER_ORGANISATION = reverse("accounts:citizen_organisation_register")


@pytest.fixture
def director(db) -> User:
    return make_user("giamdoc", kind=User.Kind.CITIZEN, full_name="Đặng Thu Hà", national_id="019185001111")


@pytest.fixture
def employee(db) -> User:
    return make_user("nhanvien", kind=User.Kind.CITIZEN, full_name="Vũ Minh Khôi", national_id="019098002222")


@pytest.fixture
def company(client, director, clock) -> Organisation:
    client.force_login(director)
    response = client.post(
        REGISTER_ORGANISATION,
        {
            "name": "Công ty TNHH Chè Tân Cương",
            "tax_code": TAX_CODE,
            "address": "Xã Tân Cương, tỉnh Thái Nguyên",
            "document_reference": "GCN ĐKDN số 4600123456 ngày 02/01/2020",
        },
    )
    assert response.status_code == 302
    return Organisation.objects.get()


def _authorise(client, organisation: Organisation, national_id: str, **changes: str):
    data = {
        "national_id": national_id,
        "valid_from": "2026-03-02",
        "valid_until": "2026-03-31",
        "document_reference": "Giấy ủy quyền số 01/2026/UQ",
    }
    return client.post(reverse("accounts:citizen_authorise", args=[organisation.pk]), data | changes)


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("0100107518", "0100107518"),
        ("0100109106", "0100109106"),
        ("0100107518-001", "0100107518-001"),
        ("0100107518001", "0100107518-001"),
        (" 0100 107 518 ", "0100107518"),
    ],
)
def test_tax_codes_are_checked_and_normalised(given, normalised):
    assert normalise_tax_code(given) == normalised


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("0100107519", "tax_code_check"),
        ("010010751", "tax_code_format"),
        ("0100107518-000", "tax_code_branch"),
        ("01001075180012", "tax_code_format"),
    ],
)
def test_malformed_tax_codes_are_refused(given, code):
    with pytest.raises(ValidationError) as caught:
        normalise_tax_code(given)
    assert caught.value.code == code


def test_registering_an_organisation_makes_the_citizen_its_legal_representative(company, director):
    representation = Representation.objects.get()

    assert (company.tax_code, company.name) == (TAX_CODE, "Công ty TNHH Chè Tân Cương")
    assert (representation.user, representation.role, representation.authorised_by) == (
        director,
        Representation.Role.LEGAL_REPRESENTATIVE,
        None,
    )
    assert representation.document_reference.startswith("GCN ĐKDN")
    assert acting_for(director) == [company]
    assert authorising_person(director, company) == director
    assert AuditEntry.objects.filter(action="organisation.registered", object_id=str(company.pk)).exists()


def test_an_organisation_cannot_be_registered_twice(client, company, employee):
    client.force_login(employee)

    response = client.post(
        REGISTER_ORGANISATION,
        {"name": "Khác", "tax_code": "0100107518", "address": "x", "document_reference": "y"},
    )

    assert response.context["form"].non_field_errors() == [
        "This organisation is already registered. Ask its legal representative to authorise you."
    ]
    assert Representation.objects.count() == 1


def test_form_shows_a_wrong_check_digit(client, director):
    client.force_login(director)

    response = client.post(
        REGISTER_ORGANISATION,
        {"name": "A", "tax_code": "0100107519", "address": "x", "document_reference": "y"},
    )

    assert response.context["form"].errors["tax_code"] == [
        "This tax code's check digit is wrong; check the number."
    ]


def test_an_authorised_filing_is_tied_to_the_legal_representative(client, company, director, employee, clock):
    response = _authorise(client, company, employee.national_id)

    assert response.status_code == 302
    granted = Representation.objects.get(role=Representation.Role.AUTHORISED_PERSON)
    assert (granted.user, granted.authorised_by) == (employee, director)
    assert acting_for(employee) == [company]
    assert authorising_person(employee, company) == director
    assert principal_for(employee, company) == director
    entry = AuditEntry.objects.get(action="organisation.authorised")
    assert entry.after["user"] == employee.pk
    # The last day is included: until midnight at its end, Vietnam time.
    assert granted.valid_until.isoformat() == "2026-03-31T17:00:00+00:00"


def test_after_the_authorisation_ends_the_filer_is_refused(client, company, employee, clock):
    _authorise(client, company, employee.national_id)

    clock.move_to(START + timedelta(days=30))

    assert acting_for(employee) == []
    with pytest.raises(PermissionDenied):
        authorising_person(employee, company)
    # What was true then stays answerable: the filing made during the period keeps its principal.
    assert authorising_person(employee, company, at=START + timedelta(days=3)).username == "giamdoc"


def test_an_authorisation_ended_early_is_refused_from_then_on(client, company, director, employee, clock):
    _authorise(client, company, employee.national_id)
    granted = Representation.objects.get(role=Representation.Role.AUTHORISED_PERSON)
    clock.shift(timedelta(hours=2))

    response = client.post(reverse("accounts:citizen_authorisation_revoke", args=[granted.pk]))

    assert response.url == reverse("accounts:citizen_profile")
    with pytest.raises(PermissionDenied):
        authorising_person(employee, company)
    assert authorising_person(employee, company, at=START + timedelta(hours=1)) == director
    assert AuditEntry.objects.filter(action="organisation.authorisation_revoked").count() == 1


def test_an_authorisation_not_yet_started_does_not_count(client, company, employee, clock):
    _authorise(client, company, employee.national_id, valid_from="2026-03-10")

    with pytest.raises(PermissionDenied):
        authorising_person(employee, company)
    assert authorising_person(employee, company, at=START + timedelta(days=9)).username == "giamdoc"


def test_authorisation_ends_with_the_authorisers_own_representation(
    client, company, director, employee, clock
):
    _authorise(client, company, employee.national_id)
    Representation.objects.filter(user=director).update(valid_until=START + timedelta(days=1))

    clock.shift(timedelta(days=2))

    with pytest.raises(PermissionDenied):
        authorising_person(employee, company)


def test_a_stranger_may_not_file_for_the_organisation(company, employee):
    with pytest.raises(PermissionDenied):
        authorising_person(employee, company)


def test_only_the_legal_representative_may_authorise(client, company, employee, clock):
    _authorise(client, company, employee.national_id)
    client.force_login(employee)

    page = client.get(reverse("accounts:citizen_authorise", args=[company.pk]))
    passed_on = _authorise(client, company, "019195004567")

    assert page.status_code == 404
    assert passed_on.status_code == 404
    granted = Representation.objects.get(role=Representation.Role.AUTHORISED_PERSON)
    assert client.post(reverse("accounts:citizen_authorisation_revoke", args=[granted.pk])).status_code == 404


def test_authorising_an_unknown_number_explains_what_to_do(client, company):
    response = _authorise(client, company, "019195004567")

    assert response.context["form"].non_field_errors() == [
        "No account has this identification number. The person must register first."
    ]


def test_the_last_day_cannot_precede_the_first(client, company, employee):
    response = _authorise(client, company, employee.national_id, valid_until="2026-03-01")

    assert response.context["form"].errors["valid_until"] == ["The last day cannot be before the first."]


def test_grant_refuses_an_empty_period_and_a_non_representative(company, director, employee):
    moment = START
    with translation.override("en"), pytest.raises(citizen_services.OrganisationError) as caught:
        citizen_services.grant_authorisation(
            director,
            company,
            national_id=employee.national_id,
            valid_from=moment,
            valid_until=moment,
            document_reference="x",
        )
    assert caught.value.message == "The authorisation must end after it starts."
    with pytest.raises(PermissionDenied):
        citizen_services.grant_authorisation(
            employee,
            company,
            national_id=director.national_id,
            valid_from=moment,
            valid_until=moment + timedelta(days=1),
            document_reference="x",
        )


def test_my_account_page_shows_data_organisations_and_authorisations(
    client, company, director, employee, clock
):
    User.objects.filter(pk=director.pk).update(email="ha@example.com", phone="0912000333")
    _authorise(client, company, employee.national_id)

    html = client.get(reverse("accounts:citizen_profile")).content.decode()

    for text in (
        "Đặng Thu Hà",
        "019185001111",
        "ha@example.com",
        "0912000333",
        "Công ty TNHH Chè Tân Cương",
        "legal representative",
        "Vũ Minh Khôi",
        "Giấy ủy quyền số 01/2026/UQ",
        "End now",
        "No VNeID account is linked yet.",
    ):
        assert text in html, text
    client.force_login(employee)
    html = client.get(reverse("accounts:citizen_profile")).content.decode()
    assert "authorised person" in html
    assert "Đặng Thu Hà" in html
    assert "End now" not in html


def test_my_account_needs_a_login(client, db):
    response = client.get(reverse("accounts:citizen_profile"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_authorisation_dates_default_to_vietnam_days(client, company, employee):
    _authorise(client, company, employee.national_id, valid_from="2026-03-05", valid_until="2026-03-05")

    granted = Representation.objects.get(role=Representation.Role.AUTHORISED_PERSON)
    assert granted.valid_from.isoformat() == "2026-03-04T17:00:00+00:00"
    assert granted.valid_until == granted.valid_from + timedelta(days=1)
    assert date(2026, 3, 5) == granted.valid_from.astimezone(START.tzinfo).date()
