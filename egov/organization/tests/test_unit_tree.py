"""The unit tree: creation, levels, moves, identifiers, and roles that follow the subtree."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from egov.core.models import AuditEntry
from egov.organization import services
from egov.organization.identifiers import is_agency_identifier
from egov.organization.models import Role, Unit
from egov.organization.permissions import has_role_in, is_administrator, units_where
from egov.organization.tests.factories import default_levels, make_member, make_unit


@pytest.mark.parametrize(
    ("identifier", "valid"),
    [
        ("H51", True),
        ("H15.50.05.13", True),
        ("G01.123.45", True),
        ("000.00.06.H56", True),  # the 2016 order, still on old dossier codes
        ("Z01", False),  # M must be A–Y
        ("h51.01", False),  # upper case only
        ("H51..01", False),
        ("H5", False),
        ("H51.1234", False),
        ("H51." + ".".join(["01"] * 11), False),  # longer than 35 characters
    ],
)
def test_agency_identifier_format(identifier, valid):
    assert is_agency_identifier(identifier) is valid


def test_paths_hold_the_chain_of_ids(province):
    assert province.province.path == f"/{province.province.pk}/"
    assert (
        province.division.path == f"/{province.province.pk}/{province.department.pk}/{province.division.pk}/"
    )
    assert province.division.depth == 3


def test_a_bad_identifier_is_refused_with_a_clear_message(province):
    with pytest.raises(ValidationError) as raised:
        make_unit("commune", parent=province.province, identifier="xa-dong-hy")

    assert "QĐ 20/2020" in str(raised.value)
    assert not Unit.objects.filter(identifier="xa-dong-hy").exists()


def test_level_rules_refuse_a_commune_under_a_department(province):
    with pytest.raises(ValidationError):
        make_unit("commune", parent=province.department, identifier="H51.10.09")


def test_a_province_needs_no_parent_but_a_commune_does(db):
    default_levels()
    with pytest.raises(ValidationError):
        make_unit("commune", identifier="H52.01")


def test_moving_a_unit_moves_its_subtree_and_is_audited(province):
    district = make_unit("district", parent=province.province, identifier="H51.70")
    office = make_unit("division", parent=province.commune, identifier="H51.60.01")

    services.move_unit(province.commune, moved_by=None, new_parent=district)

    office.refresh_from_db()
    assert office.path == f"/{province.province.pk}/{district.pk}/{province.commune.pk}/{office.pk}/"
    assert AuditEntry.objects.filter(action="unit.moved", object_id=str(province.commune.pk)).count() == 1


def test_moving_under_a_level_that_may_not_hold_it_is_refused(province):
    with pytest.raises(ValidationError, match="không thể trực thuộc"):
        services.move_unit(province.department, moved_by=None, new_parent=province.centre)


def test_a_unit_cannot_move_under_its_own_subunit(province):
    with pytest.raises(ValidationError):
        services.move_unit(province.department, moved_by=None, new_parent=province.division)


def test_creating_a_unit_writes_an_audit_entry(province):
    entry = AuditEntry.objects.get(action="unit.created", object_id=str(province.commune.pk))

    assert entry.after["identifier"] == "H51.60"


def test_a_role_applies_to_the_units_subtree(province):
    head = make_member(Role.SPECIALIST, province.department)

    assert set(units_where(head, Role.SPECIALIST)) == {province.department, province.division}
    assert has_role_in(head, province.division, Role.SPECIALIST)
    assert not has_role_in(head, province.commune, Role.SPECIALIST)
    assert not has_role_in(head, province.department, Role.LEADER)


def test_an_outsider_holds_nothing_in_another_unit(province, outsider):
    assert list(units_where(outsider, Role.SPECIALIST)) == [province.other_commune]
    assert not has_role_in(outsider, province.commune, Role.SPECIALIST, Role.DESK_OFFICER)


def test_an_administrator_acts_in_every_role_below(province, admin_user):
    assert has_role_in(admin_user, province.division, Role.LEADER)
    assert is_administrator(admin_user)
    assert units_where(admin_user, Role.CLERK).count() == Unit.objects.count()


def test_ended_memberships_give_no_rights(province, specialist):
    membership = specialist.memberships.get()
    services.revoke_role(membership, revoked_by=None, ended_on=dt.date(2025, 12, 31))

    assert not has_role_in(specialist, province.department, Role.SPECIALIST)
    assert AuditEntry.objects.filter(action="membership.revoked").count() == 1


def test_granting_twice_keeps_one_membership(province, specialist):
    services.grant_role(specialist, granted_by=None, unit=province.department, role=Role.SPECIALIST)

    assert specialist.memberships.count() == 1
