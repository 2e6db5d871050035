from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import override_settings

from egov.accounts import services
from egov.accounts.models import User
from egov.accounts.tests.conftest import START
from egov.accounts.tests.helpers import actions, logged_in_id, post_login

LOCKED_MESSAGE = (
    "This account is locked after too many failed login attempts. "
    "Try again after 02/03/2026 08:15 or reset your password."
)


def _fail(client, times: int) -> None:
    for _ in range(times):
        post_login(client, "motcua", "sai-mat-khau")


def test_fifth_failure_locks_the_account_for_fifteen_minutes(client, desk_officer, clock):
    _fail(client, 4)

    response = post_login(client, "motcua", "sai-mat-khau")

    assert response.context["form"].non_field_errors() == [LOCKED_MESSAGE]
    desk_officer.refresh_from_db()
    assert desk_officer.locked_until == START + timedelta(minutes=15)
    assert desk_officer.failed_login_count == 0
    assert actions(desk_officer) == [("auth.login_failed", {"reason": "password"})] * 5 + [
        ("auth.locked", {"locked_until": "2026-03-02T01:15:00Z", "failures": 5})
    ]


def test_locked_account_refuses_the_right_password(client, desk_officer, clock):
    _fail(client, 5)
    clock.shift(timedelta(minutes=14))

    response = post_login(client, "motcua")

    assert response.context["form"].non_field_errors() == [LOCKED_MESSAGE]
    assert logged_in_id(client) is None
    assert actions(desk_officer)[-1] == ("auth.login_failed", {"reason": "locked"})


def test_account_opens_again_after_the_lock_period(client, desk_officer, clock):
    _fail(client, 5)
    clock.shift(timedelta(minutes=15, seconds=1))

    response = post_login(client, "motcua")

    assert response.status_code == 302
    assert logged_in_id(client) == str(desk_officer.pk)
    desk_officer.refresh_from_db()
    assert (desk_officer.failed_login_count, desk_officer.locked_until) == (0, None)


def test_success_resets_the_counter_so_failures_must_be_consecutive(client, desk_officer, clock):
    _fail(client, 4)
    post_login(client, "motcua")
    client.post("/tai-khoan/dang-xuat/")
    _fail(client, 4)

    desk_officer.refresh_from_db()
    assert desk_officer.failed_login_count == 4
    assert desk_officer.locked_until is None


@override_settings(EGOV_LOGIN_MAX_FAILURES=2, EGOV_LOGIN_LOCKOUT_MINUTES=60)
def test_limits_come_from_settings(client, desk_officer, clock):
    _fail(client, 2)

    desk_officer.refresh_from_db()
    assert desk_officer.locked_until == START + timedelta(minutes=60)


def test_counting_uses_the_database_not_a_stale_copy(desk_officer, clock):
    """Parallel requests each hold their own copy of the user; the count must still add up."""
    stale = User.objects.get(pk=desk_officer.pk)

    results = [services.record_failed_attempt(stale, reason="password") for _ in range(6)]

    assert results == [None, None, None, None, START + timedelta(minutes=15), None]
    desk_officer.refresh_from_db()
    # The sixth attempt came while locked: not counted, and the lock was not extended.
    assert (desk_officer.failed_login_count, desk_officer.locked_until) == (
        0,
        START + timedelta(minutes=15),
    )


def test_completing_a_login_is_refused_if_a_parallel_attempt_locked_the_account(rf, desk_officer, clock):
    user = services.check_password_step(username="motcua", password="Mat-khau-dai-123")
    User.objects.filter(pk=user.pk).update(locked_until=START + timedelta(minutes=15))
    request = rf.post("/tai-khoan/dang-nhap/")
    request.session = SessionStore()

    with pytest.raises(services.LoginRefusedError) as refused:
        services.complete_login(request, user)

    assert refused.value.locked_until == START + timedelta(minutes=15)
    assert "_auth_user_id" not in request.session
