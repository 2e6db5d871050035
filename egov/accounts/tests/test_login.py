import pytest
from django.urls import reverse

from egov.accounts.tests.helpers import actions, failures, logged_in_id, make_user, post_login

GENERIC_ERROR = "The username or password is incorrect."


def test_login_page_has_labelled_fields_with_autocomplete(client, db):
    response = client.get(reverse("accounts:login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert f'href="{reverse("accounts:password_reset")}"' in html


def test_staff_logs_in_and_lands_on_the_workspace(client, desk_officer):
    for _ in range(3):
        post_login(client, "motcua", "sai-mat-khau")

    response = post_login(client, "motcua")

    assert response.status_code == 302
    assert response.url == reverse("dashboard:home")
    assert logged_in_id(client) == str(desk_officer.pk)
    assert failures("motcua") == 0
    assert actions(desk_officer)[-1] == ("auth.login", {"two_factor": False})


def test_wrong_password_is_refused_and_counted(client, desk_officer):
    response = post_login(client, "motcua", "sai-mat-khau")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [GENERIC_ERROR]
    assert logged_in_id(client) is None
    assert failures("motcua") == 1
    assert actions(desk_officer)[-1] == ("auth.login_failed", {"reason": "password"})


def test_unknown_username_gets_the_same_error_as_a_wrong_password(client, db):
    response = post_login(client, "khongtontai", "bat-ky")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [GENERIC_ERROR]
    assert actions() == [("auth.login_failed", {"reason": "unknown_user", "username": "khongtontai"})]


def test_inactive_user_cannot_log_in_even_with_the_right_password(client, db):
    user = make_user("nghiviec", is_active=False)

    response = post_login(client, "nghiviec")

    assert response.context["form"].non_field_errors() == [GENERIC_ERROR]
    assert logged_in_id(client) is None
    assert actions(user) == [("auth.login_failed", {"reason": "inactive"})]


def test_safe_next_is_followed(client, desk_officer):
    response = post_login(client, "motcua", next="/thu-tuc/?q=khai+sinh")

    assert response.url == "/thu-tuc/?q=khai+sinh"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_unsafe_next_is_ignored(client, desk_officer, next_url):
    response = post_login(client, "motcua", next=next_url)

    assert response.url == reverse("dashboard:home")


def test_next_from_the_query_string_is_kept_in_the_form(client, db):
    response = client.get(reverse("accounts:login") + "?next=/can-bo/")

    assert '<input type="hidden" name="next" value="/can-bo/">' in response.content.decode()


def test_citizen_lands_on_the_portal_home(client, citizen):
    response = post_login(client, "congdan")

    assert response.url == reverse("portal:home")
    assert logged_in_id(client) == str(citizen.pk)


def test_logout_is_post_only_and_audited(client, desk_officer):
    client.force_login(desk_officer)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert logged_in_id(client) is None
    assert actions(desk_officer)[-1] == ("auth.logout", None)
