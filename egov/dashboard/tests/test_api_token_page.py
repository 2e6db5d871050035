"""Issuing an API token is a page (issue 11 item 9): the province's administrator issues a token,
sees it once, the API accepts it until it is revoked; other roles get 403, another province's
administrator neither sees nor revokes it (404)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from egov.accounts.models import ApiToken
from egov.accounts.tests.helpers import force_verified_login, make_device
from egov.core.models import AuditEntry
from egov.organization.models import Role
from egov.organization.tests.factories import make_member, make_unit

PAGE = "dashboard:api_tokens"
RAW = re.compile(r"egov_[A-Za-z0-9_-]{20,}")


def verified(user) -> Client:
    client = Client()
    force_verified_login(client, user, make_device(user))
    return client


def api_status(raw: str) -> int:
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code


@pytest.fixture
def other_admin(province):
    """The administrator of another top unit (another province of the installation)."""
    user = make_member(Role.ADMINISTRATOR, make_unit("province", name="Tỉnh Cao Bằng"), "quantri.caobang")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_the_administrator_issues_a_token_the_api_takes_until_it_is_revoked(admin_user, specialist):
    client = verified(admin_user)
    assert reverse(PAGE) in client.get(reverse("dashboard:home")).text  # in the menu

    issued = client.post(reverse(PAGE), {"owner": "chuyenvien", "name": "Cổng dịch vụ công quốc gia"})

    assert issued.status_code == 200
    assert issued["Cache-Control"] == "private, no-store"
    assert "chỉ hiển thị một lần" in issued.text
    raw = RAW.findall(issued.text)
    assert len(raw) == 1
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.prefix) == (specialist, "Cổng dịch vụ công quốc gia", raw[0][:8])
    assert api_status(raw[0]) == 200

    listed = client.get(reverse(PAGE))
    assert "Cổng dịch vụ công quốc gia" in listed.text
    assert f"{token.prefix}…" in listed.text
    assert raw[0] not in listed.text  # shown once, then only its prefix
    token.refresh_from_db()
    assert token.last_used_at is not None

    revoked = client.post(reverse("dashboard:api_token_revoke", args=[token.pk]))

    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_status(raw[0]) == 401
    assert list(
        AuditEntry.objects.filter(action__startswith="api_token.").values_list("action", "actor")
    ) == [("api_token.created", admin_user.pk), ("api_token.revoked", admin_user.pk)]


def test_a_token_is_issued_only_to_an_officer_of_the_administrators_units(admin_user, other_admin):
    outsider = make_member(Role.SPECIALIST, other_admin.memberships.get().unit, "chuyenvien.caobang")

    response = verified(admin_user).post(reverse(PAGE), {"owner": outsider.username, "name": "Kết nối"})

    assert "Không có cán bộ nào có tên đăng nhập này" in response.text
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("who", ["specialist", "desk_officer"])
def test_other_roles_get_403_and_no_menu_entry(request, admin_user, who):
    token, _raw = _issued(admin_user)
    user = request.getfixturevalue(who)
    client = verified(user)

    assert client.get(reverse(PAGE)).status_code == 403
    assert client.post(reverse(PAGE), {"owner": user.username, "name": "x"}).status_code == 403
    assert client.post(reverse("dashboard:api_token_revoke", args=[token.pk])).status_code == 403
    assert reverse(PAGE) not in client.get(reverse("dashboard:home")).text
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_departments_administrator_gets_403(province):
    """Tokens are province-wide: the administrator of a lower unit does not issue them."""
    user = make_member(Role.ADMINISTRATOR, province.department, "quantri.so")
    user.is_staff = True
    user.save(update_fields=["is_staff"])

    assert verified(user).get(reverse(PAGE)).status_code == 403


def test_another_provinces_administrator_neither_sees_nor_revokes_the_token(admin_user, other_admin):
    token, raw = _issued(admin_user)
    client = verified(other_admin)

    page = client.get(reverse(PAGE))
    assert page.status_code == 200
    assert token.name not in page.text
    assert client.post(reverse("dashboard:api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_status(raw) == 200


def test_a_session_without_the_second_factor_gets_403(admin_user):
    client = Client()
    client.force_login(admin_user)

    assert client.get(reverse(PAGE)).status_code == 403


def _issued(admin_user) -> tuple[ApiToken, str]:
    from egov.accounts.services import create_api_token

    owner = make_member(Role.SPECIALIST, admin_user.memberships.get().unit, "tichhop")
    return create_api_token(owner, name="Kết nối phần mềm một cửa", created_by=admin_user)
