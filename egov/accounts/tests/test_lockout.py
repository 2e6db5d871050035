"""Throttled logins (issue 11, item 17): per (name, address) and per address, never per account.

Five wrong passwords used to lock the account itself, so anyone who knew a username, ID number or
phone could lock its owner out from anywhere. Now a lock holds only where the failures came from.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client, override_settings

from egov.accounts.tests.helpers import actions, logged_in_id, make_user, post_login

LOCKED_MESSAGE = (
    "Too many failed login attempts from this device. "
    "Try again after 02/03/2026 08:15 or reset your password."
)
GENERIC_ERROR = "The username or password is incorrect."
ELSEWHERE = "203.0.113.9"


def _fail(client, times: int, name: str = "motcua") -> list[object]:
    return [post_login(client, name, "sai-mat-khau") for _ in range(times)]


def _client_at(address: str) -> Client:
    return Client(headers={"accept-language": "en"}, REMOTE_ADDR=address)


def _answer(response) -> tuple[int, list[str]]:
    return response.status_code, response.context["form"].non_field_errors()


def test_fifth_failure_locks_the_name_from_that_address(client, desk_officer, clock):
    _fail(client, 4)

    response = post_login(client, "motcua", "sai-mat-khau")

    assert _answer(response) == (429, [LOCKED_MESSAGE])
    assert actions(desk_officer) == [("auth.login_failed", {"reason": "password"})] * 5 + [
        ("auth.locked", {"locked_until": "2026-03-02T01:15:00Z", "name": "motcua"})
    ]


def test_a_stranger_cannot_lock_the_owner_out(client, desk_officer, clock):
    """The attack of the old counter: five wrong passwords from elsewhere locked the account."""
    attacker = _client_at("198.51.100.7")
    _fail(attacker, 6)

    response = post_login(client, "motcua")

    assert response.status_code == 302
    assert logged_in_id(client) == str(desk_officer.pk)


def test_locked_name_refuses_even_the_right_password_from_that_address(client, desk_officer, clock):
    _fail(client, 5)
    clock.shift(timedelta(minutes=14))

    response = post_login(client, "motcua")

    assert _answer(response) == (429, [LOCKED_MESSAGE])
    assert logged_in_id(client) is None
    assert actions(desk_officer)[-1] == ("auth.login_failed", {"reason": "locked"})


def test_attempts_while_locked_do_not_extend_the_lock(client, desk_officer, clock):
    _fail(client, 5)
    clock.shift(timedelta(minutes=10))
    _fail(client, 3)
    clock.shift(timedelta(minutes=5, seconds=1))

    response = post_login(client, "motcua")

    assert response.status_code == 302
    assert logged_in_id(client) == str(desk_officer.pk)


def test_the_name_opens_again_after_the_lock_period(client, desk_officer, clock):
    _fail(client, 5)
    clock.shift(timedelta(minutes=15, seconds=1))

    response = post_login(client, "motcua")

    assert response.status_code == 302
    assert logged_in_id(client) == str(desk_officer.pk)


def test_success_clears_the_count_so_failures_must_be_consecutive(client, desk_officer, clock):
    _fail(client, 4)
    post_login(client, "motcua")
    client.post("/tai-khoan/dang-xuat/")
    _fail(client, 4)

    response = post_login(client, "motcua")

    assert response.status_code == 302


@override_settings(EGOV_LOGIN_MAX_FAILURES=2, EGOV_LOGIN_LOCKOUT_MINUTES=60)
def test_limits_come_from_settings(client, desk_officer, clock):
    _fail(client, 2)
    clock.shift(timedelta(minutes=59))

    assert post_login(client, "motcua").status_code == 429


@pytest.mark.parametrize("unknown", ["khongtontai", "019099999999", "ai-do@example.com"])
def test_unknown_and_existing_names_get_the_same_answers(client, desk_officer, clock, unknown):
    other = _client_at(ELSEWHERE)

    known_answers = [_answer(r) for r in _fail(client, 6)]
    unknown_answers = [_answer(r) for r in _fail(other, 6, name=unknown)]

    expected = [(200, [GENERIC_ERROR])] * 4 + [(429, [LOCKED_MESSAGE])] * 2
    assert known_answers == expected
    assert unknown_answers == expected


def test_unknown_and_existing_names_cost_the_same_hashing(client, desk_officer, clock, monkeypatch):
    """Similar timing: one password hash for a wrong password, one for an unknown name."""
    calls: list[str] = []
    real_encode = MD5PasswordHasher.encode  # its verify() hashes through encode() too

    def counted(hasher, *args):
        calls.append("hash")
        return real_encode(hasher, *args)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted)

    post_login(client, "motcua", "sai-mat-khau")
    known = len(calls)
    post_login(client, "khongtontai", "sai-mat-khau")

    assert known == 1
    assert len(calls) - known == 1


@override_settings(EGOV_LOGIN_MAX_FAILURES_PER_IP=8)
def test_an_address_guessing_many_names_is_locked_for_every_name(client, desk_officer, clock):
    for index in range(8):
        post_login(client, f"doan-{index}", "sai-mat-khau")

    locked = post_login(client, "motcua")
    elsewhere = post_login(_client_at(ELSEWHERE), "motcua")

    assert locked.status_code == 429
    assert logged_in_id(client) is None
    assert elsewhere.status_code == 302


def test_every_name_of_a_citizen_counts_for_the_same_account(client, db, clock):
    citizen = make_user(
        "019092007788",
        kind="citizen",
        national_id="019092007788",
        email="lovanpao@example.com",
        phone="0912000111",
    )
    for name in ("019092007788", "LoVanPao@example.com", "0912 000 111", "+84912000111"):
        post_login(client, name, "sai-mat-khau")

    response = post_login(client, "lovanpao@example.com", "sai-mat-khau")

    assert _answer(response) == (429, [LOCKED_MESSAGE])
    assert actions(citizen)[-1] == (
        "auth.locked",
        {"locked_until": "2026-03-02T01:15:00Z", "name": "019092007788"},
    )
    assert post_login(_client_at(ELSEWHERE), "0912000111").status_code == 302
