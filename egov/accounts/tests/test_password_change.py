from django.urls import reverse

from egov.accounts.tests.helpers import actions, logged_in_id, post_login

CHANGE_URL = reverse("accounts:password_change")
NEW_PASSWORD = "Ngay-moi-tuoi-sang-2026"


def test_password_change_needs_login(client, db):
    assert client.get(CHANGE_URL).url == f"{reverse('accounts:login')}?next={CHANGE_URL}"


def test_logged_in_user_changes_password(client, desk_officer):
    client.force_login(desk_officer)

    response = client.post(
        CHANGE_URL,
        {"old_password": "Mat-khau-dai-123", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.url == reverse("accounts:password_change_done")
    assert logged_in_id(client) == str(desk_officer.pk)  # the session survives the change
    assert actions(desk_officer)[-1] == ("auth.password_changed", None)
    client.post(reverse("accounts:logout"))
    assert post_login(client, "motcua").status_code == 200
    assert post_login(client, "motcua", NEW_PASSWORD).status_code == 302


def test_wrong_old_password_changes_nothing(client, desk_officer):
    client.force_login(desk_officer)

    response = client.post(
        CHANGE_URL,
        {"old_password": "sai-mat-khau", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["old_password"]
    desk_officer.refresh_from_db()
    assert desk_officer.check_password("Mat-khau-dai-123") is True
