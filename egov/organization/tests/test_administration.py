"""The province's administrator (quantri), after TOTP, administers units, staff, roles and the calendar.

The permissions come from the administrator role (egov.organization.backends), not from rows
someone must remember to tick; other roles stay out.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from egov.accounts.models import User
from egov.accounts.tests.helpers import code_for, force_verified_login, make_device, post_login
from egov.organization import calendar
from egov.organization.backends import ADMINISTRATOR_PERMISSIONS
from egov.organization.models import CalendarOverride, Membership, Role, Unit, UnitLevel
from egov.organization.tests.factories import make_member


@pytest.fixture
def client() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def clock():
    """Time stands still while a TOTP code is typed."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def quantri_client(client: Client, admin_user: User) -> Client:
    force_verified_login(client, admin_user, make_device(admin_user))
    return client


def test_quantri_logs_in_with_totp_and_sees_what_to_administer(client, admin_user, clock):
    device = make_device(admin_user)
    post_login(client, "quantri", next="/quan-tri/")
    client.post(reverse("accounts:login_verify"), {"code": code_for(device)})

    response = client.get("/quan-tri/", headers={"accept-language": "vi"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "không có quyền" not in html
    for name in (
        "organization_unit",
        "organization_membership",
        "organization_calendaroverride",
        "procedures_procedure",
        "accounts_user",
        "accounts_apitoken",
    ):
        assert reverse(f"admin:{name}_changelist") in html


def test_quantri_lists_and_adds_a_unit(quantri_client, province):
    listing = quantri_client.get(reverse("admin:organization_unit_changelist"))
    assert listing.status_code == 200
    assert "Sở Tư pháp" in listing.content.decode()

    response = quantri_client.post(
        reverse("admin:organization_unit_add"),
        {
            "name": "Sở Nội vụ",
            "identifier": "H51.20",
            "level": UnitLevel.objects.get(code="department").pk,
            "parent": province.province.pk,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    unit = Unit.objects.get(identifier="H51.20")
    assert unit.parent == province.province
    assert unit.path == f"{province.province.path}{unit.pk}/"


def test_quantri_changes_a_staff_members_role(quantri_client, specialist, province):
    membership = Membership.objects.get(user=specialist)

    response = quantri_client.post(
        reverse("admin:organization_membership_change", args=[membership.pk]),
        {
            "user": specialist.pk,
            "unit": province.department.pk,
            "role": Role.HEAD_OF_DEPARTMENT,
            "position_title": "Trưởng phòng",
            "started_on": "01/07/2025",
            "ended_on": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    membership.refresh_from_db()
    assert membership.role == Role.HEAD_OF_DEPARTMENT


def test_granting_the_administrator_role_makes_a_staff_account_that_must_use_totp(
    quantri_client, specialist, province
):
    response = quantri_client.post(
        reverse("admin:organization_membership_add"),
        {
            "user": specialist.pk,
            "unit": province.province.pk,
            "role": Role.ADMINISTRATOR,
            "position_title": "",
            "started_on": "01/07/2025",
            "ended_on": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    specialist.refresh_from_db()
    assert specialist.is_staff
    assert specialist.has_perm("procedures.add_procedure")


def test_quantri_adds_a_holiday_and_deadlines_follow_it(quantri_client):
    response = quantri_client.post(
        reverse("admin:organization_calendaroverride_add"),
        {"date": "2027-01-05", "kind": CalendarOverride.Kind.DAY_OFF, "reason": "Nghỉ bù"},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert CalendarOverride.objects.get(date=dt.date(2027, 1, 5)).kind == CalendarOverride.Kind.DAY_OFF
    assert not calendar.get_calendar().is_working_day(dt.date(2027, 1, 5))


def test_a_refused_holiday_is_shown_on_the_form_not_a_500(quantri_client):
    response = quantri_client.post(
        reverse("admin:organization_calendaroverride_add"),
        {"date": "2027-05-01", "kind": CalendarOverride.Kind.DAY_OFF, "reason": "Nghỉ"},
    )

    assert response.status_code == 200
    assert "already a day off" in response.content.decode()
    assert not CalendarOverride.objects.exists()


def test_quantri_cannot_make_anyone_a_superuser(quantri_client, admin_user, specialist):
    page = quantri_client.get(reverse("admin:accounts_user_change", args=[specialist.pk]))
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="user_permissions"' not in page.content.decode()

    quantri_client.post(
        reverse("admin:accounts_user_change", args=[admin_user.pk]),
        {
            "username": "quantri",
            "kind": "staff",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "last_login_0": "",
            "date_joined_0": "01/01/2026",
            "date_joined_1": "08:00:00",
        },
    )

    admin_user.refresh_from_db()
    assert not admin_user.is_superuser


def test_quantri_cannot_change_a_superuser(quantri_client, django_user_model):
    root = django_user_model.objects.create_superuser("sieuquantri", "s@example.vn", "mat-khau-dai-123")

    assert quantri_client.get(reverse("admin:accounts_user_change", args=[root.pk])).status_code in (200, 403)
    response = quantri_client.post(
        reverse("admin:accounts_user_change", args=[root.pk]),
        {"username": "bi-doi", "kind": "staff", "is_active": "on"},
    )

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.username == "sieuquantri"


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.LEADER, Role.DESK_OFFICER])
def test_other_roles_get_403_from_the_admin(client, province, role):
    user = make_member(role, province.province)
    force_verified_login(client, user, make_device(user))

    assert client.get("/quan-tri/").status_code == 403
    assert client.get(reverse("admin:procedures_procedure_changelist")).status_code == 403
    assert client.get(reverse("admin:procedures_procedure_import")).status_code == 403


def test_a_citizen_gets_403_from_the_admin(client, citizen):
    client.force_login(citizen)

    assert client.get("/quan-tri/").status_code == 403
    assert client.get(reverse("admin:organization_unit_changelist")).status_code == 403


def test_a_staff_flag_without_the_role_gives_no_permission(client, specialist):
    specialist.is_staff = True
    specialist.save(update_fields=["is_staff"])
    force_verified_login(client, specialist, make_device(specialist))

    assert client.get(reverse("admin:procedures_procedure_changelist")).status_code == 403
    assert client.get(reverse("admin:organization_unit_add")).status_code == 403


def test_a_communes_administrator_does_not_get_the_installations_permissions(client, province):
    user = make_member(Role.ADMINISTRATOR, province.commune, "quantri.xa")
    user.refresh_from_db()
    force_verified_login(client, user, make_device(user))

    assert not user.has_perm("procedures.add_procedure")
    assert client.get(reverse("admin:procedures_procedure_import")).status_code == 403


def test_an_ended_administrator_role_takes_the_permissions_away(quantri_client, admin_user):
    Membership.objects.filter(user=admin_user).update(ended_on=dt.date(2025, 12, 31))

    assert quantri_client.get(reverse("admin:organization_unit_changelist")).status_code == 403


def test_the_administrator_session_without_a_second_factor_is_sent_to_log_in(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/quan-tri/")

    assert response.status_code == 302


@pytest.mark.django_db
def test_every_granted_permission_exists():
    existing = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }

    assert existing >= ADMINISTRATOR_PERMISSIONS


def test_permissions_are_read_once_per_request(admin_user, django_assert_max_num_queries):
    user = User.objects.get(pk=admin_user.pk)
    with django_assert_max_num_queries(3):
        for perm in sorted(ADMINISTRATOR_PERMISSIONS):
            assert user.has_perm(perm)
