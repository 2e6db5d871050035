import io

from django.core.management import call_command
from django.urls import reverse

from egov.accounts.models import ApiToken
from egov.accounts.tests.helpers import (
    actions,
    code_for,
    failures,
    force_verified_login,
    make_device,
    post_login,
)


def test_admin_login_page_sends_people_to_our_login(client, db):
    response = client.get("/quan-tri/login/?next=/quan-tri/accounts/user/")

    assert response.status_code == 302
    assert response.url == "/tai-khoan/dang-nhap/?next=/quan-tri/accounts/user/"


def test_admin_refuses_a_session_without_second_factor(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/quan-tri/")

    assert response.status_code == 302
    assert response.url.startswith("/quan-tri/login/")


def test_admin_opens_after_a_full_two_factor_login(client, admin_user, clock):
    device = make_device(admin_user)
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    post_login(client, "quantri", next="/quan-tri/")

    response = client.post(reverse("accounts:login_verify"), {"code": code_for(device)})

    assert response.url == "/quan-tri/"
    assert client.get("/quan-tri/").status_code == 200


def _superuser_session(client, admin_user) -> None:
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    force_verified_login(client, admin_user, make_device(admin_user))


def test_unlock_action_clears_the_lock(client, admin_user, desk_officer, clock):
    for _ in range(5):
        post_login(client, "motcua", "sai-mat-khau")
    _superuser_session(client, admin_user)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock", "_selected_action": [desk_officer.pk]},
    )

    assert response.status_code == 302
    assert failures("motcua") == 0
    assert actions(desk_officer)[-1] == ("auth.unlocked", {"attempts_removed": 1})
    client.post(reverse("accounts:logout"))
    assert post_login(client, "motcua").status_code == 302


def test_user_admin_shows_egov_fields(client, admin_user, desk_officer):
    _superuser_session(client, admin_user)

    response = client.get(reverse("admin:accounts_user_change", args=[desk_officer.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    for field in ("kind", "full_name", "phone", "national_id"):
        assert f'name="{field}"' in html
    assert 'name="email"' in html


def test_administrators_see_the_counted_attempts(client, admin_user, clock):
    post_login(client, "ai-do", "sai-mat-khau")
    _superuser_session(client, admin_user)

    response = client.get(reverse("admin:axes_accessattempt_changelist"))

    assert response.status_code == 200
    assert "ai-do" in response.content.decode()


def test_token_action_shows_the_raw_token_once(client, admin_user, desk_officer):
    _superuser_session(client, admin_user)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "create_api_token", "_selected_action": [desk_officer.pk]},
    )

    token = ApiToken.objects.get(user=desk_officer)
    raw = response.context["created"][0][1]
    assert response.status_code == 200
    assert raw in response.content.decode()
    assert raw.startswith(token.prefix)


def test_api_token_admin_cannot_add_and_can_revoke(client, admin_user, desk_officer):
    call_command("create_api_token", "motcua", "Cổng DVC quốc gia", stdout=io.StringIO())
    token = ApiToken.objects.get(user=desk_officer)
    _superuser_session(client, admin_user)

    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None
