"""Citizens log in on the ordinary login page with their ID number, e-mail or mobile number."""

import pytest
from django.urls import reverse

from egov.accounts.models import User
from egov.accounts.tests.helpers import actions, logged_in_id, make_user, post_login

GENERIC_ERROR = "The username or password is incorrect."


@pytest.fixture
def registered(db) -> User:
    return make_user(
        "019092007788",
        kind=User.Kind.CITIZEN,
        full_name="Lò Văn Páo",
        national_id="019092007788",
        email="lovanpao@example.com",
        phone="0912000111",
    )


@pytest.mark.parametrize(
    "login_name",
    ["019092007788", "lovanpao@example.com", "LoVanPao@example.com", "0912000111", "+84 912 000 111"],
)
def test_citizen_logs_in_with_id_number_email_or_phone(client, registered, login_name):
    response = post_login(client, login_name)

    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert logged_in_id(client) == str(registered.pk)


def test_citizen_with_a_username_logs_in_by_id_number_and_follows_next(client, citizen):
    response = post_login(client, citizen.national_id, next="/thu-tuc/")

    assert response.url == "/thu-tuc/"
    assert logged_in_id(client) == str(citizen.pk)


def test_a_contact_shared_by_two_citizens_logs_nobody_in(client, registered):
    make_user("other", kind=User.Kind.CITIZEN, email="lovanpao@example.com")

    response = post_login(client, "lovanpao@example.com")

    assert response.context["form"].non_field_errors() == [GENERIC_ERROR]
    assert logged_in_id(client) is None


def test_staff_contacts_are_not_login_names(client, desk_officer):
    User.objects.filter(pk=desk_officer.pk).update(email="motcua@donghy.example", phone="0912000222")

    for name in ("motcua@donghy.example", "0912000222"):
        response = post_login(client, name)
        assert response.context["form"].non_field_errors() == [GENERIC_ERROR]
    assert logged_in_id(client) is None


def test_lockout_counts_failures_whichever_name_is_used(client, registered, clock):
    for name in ("019092007788", "lovanpao@example.com", "0912000111", "019092007788"):
        post_login(client, name, "sai-mat-khau")

    response = post_login(client, "0912000111", "sai-mat-khau")

    assert response.status_code == 429
    assert response.context["form"].non_field_errors()[0].startswith("Too many failed login attempts")
    assert post_login(client, "lovanpao@example.com").status_code == 429
    assert logged_in_id(client) is None
    assert actions(registered)[-1] == ("auth.login_failed", {"reason": "locked"})
