import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from egov.accounts import services
from egov.accounts.models import ApiToken, User, hash_token
from egov.accounts.tests.conftest import START
from egov.accounts.tests.helpers import actions


def test_create_returns_the_raw_token_once_and_stores_only_its_hash(desk_officer, admin_user):
    token, raw = services.create_api_token(desk_officer, name="Cổng DVC quốc gia", created_by=admin_user)

    assert raw.startswith("egov_")
    assert len(raw) == 48
    assert token.prefix == raw[:8]
    assert token.token_hash == hash_token(raw)
    stored_values = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values_list()[0]]
    assert raw not in stored_values
    assert actions()[-1] == (
        "api_token.created",
        {"user": desk_officer.pk, "name": "Cổng DVC quốc gia", "prefix": raw[:8]},
    )


def test_authenticate_returns_the_owner(desk_officer):
    _token, raw = services.create_api_token(desk_officer, name="x", created_by=None)

    assert services.authenticate_api_token(raw) == desk_officer


@pytest.mark.parametrize("raw", ["", "egov_khong-dung", "egov_đ"])
def test_unknown_or_malformed_tokens_are_rejected(db, raw):
    assert services.authenticate_api_token(raw) is None


def test_revoked_token_is_rejected(desk_officer, admin_user, clock):
    token, raw = services.create_api_token(desk_officer, name="x", created_by=None)

    services.revoke_api_token(token, revoked_by=admin_user)

    assert services.authenticate_api_token(raw) is None
    token.refresh_from_db()
    assert token.revoked_at == START
    assert actions()[-1] == ("api_token.revoked", {"revoked_at": "2026-03-02T01:00:00Z"})


def test_revoking_twice_keeps_the_first_time(desk_officer, clock):
    token, _raw = services.create_api_token(desk_officer, name="x", created_by=None)
    services.revoke_api_token(token, revoked_by=None)
    clock.shift(timedelta(hours=1))

    services.revoke_api_token(token, revoked_by=None)

    token.refresh_from_db()
    assert token.revoked_at == START
    assert [a for a, _ in actions()].count("api_token.revoked") == 1


def test_token_of_an_inactive_user_is_rejected(desk_officer):
    _token, raw = services.create_api_token(desk_officer, name="x", created_by=None)
    User.objects.filter(pk=desk_officer.pk).update(is_active=False)

    assert services.authenticate_api_token(raw) is None


def test_last_used_is_written_at_most_once_a_minute(desk_officer, clock, django_assert_num_queries):
    token, raw = services.create_api_token(desk_officer, name="x", created_by=None)
    services.authenticate_api_token(raw)
    clock.shift(timedelta(seconds=59))

    with django_assert_num_queries(1):  # the lookup only, no write
        services.authenticate_api_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == START

    clock.shift(timedelta(seconds=1))
    services.authenticate_api_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == START + timedelta(seconds=60)


def test_management_command_prints_the_token_once(desk_officer):
    out = io.StringIO()

    call_command("create_api_token", "motcua", "Hệ thống một cửa", stdout=out, stderr=io.StringIO())

    raw = out.getvalue().strip()
    token = ApiToken.objects.get(user=desk_officer)
    assert token.name == "Hệ thống một cửa"
    assert services.authenticate_api_token(raw) == desk_officer


def test_management_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'khongco'"):
        call_command("create_api_token", "khongco", "x")
