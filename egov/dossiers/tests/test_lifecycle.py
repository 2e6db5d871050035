"""A dossier's life through the services: receipt, routing, clock, result (ND 61/2018, ND 118/2025)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierEvent, Notification, PortalSync, Status
from egov.dossiers.services import Applicant, ComponentInput, DeskOutcome
from egov.dossiers.tests.factories import commune_procedure, draft_result, receive, sign_result
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def commune_staff(province):
    """Desk officer, specialist and chairman of Xã Đồng Hỷ."""
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.dh"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.dh"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.dh"),
    }


@time_machine.travel(dt.datetime(2026, 4, 29, 16, 0, tzinfo=VN), tick=False)
def test_accept_gives_code_appointment_and_forward_deadline(province, commune_staff):
    version = commune_procedure(days="3")

    dossier = receive(version, province.commune, commune_staff["desk"])

    assert dossier.code == "H51.60-260429-0001"
    assert dossier.status == Status.RECEIVED
    assert dossier.due_at == dt.datetime(2026, 5, 7, 16, 0, tzinfo=VN) - dt.timedelta(days=1)
    assert dossier.forward_due_at == dt.datetime(2026, 5, 4, 8, 0, tzinfo=VN)
    assert dossier.competent_unit == province.commune
    kinds = list(dossier.events.values_list("kind", flat=True))
    assert kinds == ["registered", "received"]
    assert set(Notification.objects.filter(dossier=dossier).values_list("channel", flat=True)) == {
        "email",
        "sms",
    }
    assert PortalSync.objects.filter(dossier=dossier).count() == 1


def test_accept_refuses_unscanned_required_papers_and_writes_nothing(province, commune_staff):
    version = commune_procedure()

    with pytest.raises(ValidationError) as raised:
        services.register_at_desk(
            version=version,
            receiving_unit=province.commune,
            applicant=Applicant(name="Trần Thị Bình"),
            components=[],
            outcome=DeskOutcome(DeskOutcome.ACCEPT),
            received_by=commune_staff["desk"],
        )

    assert "components" in raised.value.message_dict
    assert Dossier.objects.count() == 0


def test_exempt_components_need_no_scan(province, commune_staff):
    version = commune_procedure()
    components = [
        ComponentInput(catalogue_component=c, exemption="shown_only") for c in version.components.all()
    ]

    dossier = services.register_at_desk(
        version=version,
        receiving_unit=province.commune,
        applicant=Applicant(name="Trần Thị Bình"),
        components=components,
        outcome=DeskOutcome(DeskOutcome.ACCEPT),
        received_by=commune_staff["desk"],
    )

    assert dossier.status == Status.RECEIVED


def test_supplement_at_desk_then_accept_keeps_the_code(province, commune_staff):
    version = commune_procedure()
    dossier = services.register_at_desk(
        version=version,
        receiving_unit=province.commune,
        applicant=Applicant(name="Trần Thị Bình"),
        components=[],
        outcome=DeskOutcome(
            DeskOutcome.SUPPLEMENT, reason="Thiếu giấy tờ", missing=["Giấy chứng sinh", "Tờ khai"]
        ),
        received_by=commune_staff["desk"],
    )
    assert (dossier.status, dossier.received_at) == (Status.SUPPLEMENT_REQUESTED, None)

    components = [
        ComponentInput(catalogue_component=c, exemption="shown_only") for c in version.components.all()
    ]
    services.accept_after_supplement(dossier, by=commune_staff["desk"], components=components)

    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.code.endswith("-0001")
    assert Dossier.objects.count() == 1


def test_refusal_needs_reasons_and_closes(province, commune_staff):
    version = commune_procedure()
    with pytest.raises(ValidationError):
        services.register_at_desk(
            version=version,
            receiving_unit=province.commune,
            applicant=Applicant(name="A"),
            components=[],
            outcome=DeskOutcome(DeskOutcome.REFUSE),
            received_by=commune_staff["desk"],
        )

    dossier = services.register_at_desk(
        version=version,
        receiving_unit=province.commune,
        applicant=Applicant(name="A"),
        components=[],
        outcome=DeskOutcome(DeskOutcome.REFUSE, reason="Không thuộc thẩm quyền"),
        received_by=commune_staff["desk"],
    )

    assert dossier.status == Status.NOT_RECEIVED
    assert dossier.closed_at is not None


def test_the_same_submission_key_makes_one_dossier(province, commune_staff):
    version = commune_procedure()
    components = [
        ComponentInput(catalogue_component=c, exemption="shown_only") for c in version.components.all()
    ]

    def submit():
        return services.register_at_desk(
            version=version,
            receiving_unit=province.commune,
            applicant=Applicant(name="A"),
            components=components,
            outcome=DeskOutcome(DeskOutcome.ACCEPT),
            received_by=commune_staff["desk"],
            submission_key="k-1",
        )

    assert submit().pk == submit().pk
    assert Dossier.objects.count() == 1


def test_an_officer_of_another_commune_cannot_receive_here(province, commune_staff, outsider):
    version = commune_procedure()

    with pytest.raises(PermissionDenied):
        services.register_at_desk(
            version=version,
            receiving_unit=province.commune,
            applicant=Applicant(name="A"),
            components=[],
            outcome=DeskOutcome(DeskOutcome.REFUSE, reason="x"),
            received_by=outsider,
        )


def test_full_walk_forward_appraise_approve_return(province, commune_staff):
    version = commune_procedure()
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        dossier = receive(version, province.commune, commune_staff["desk"])
        services.forward_dossier(dossier, by=commune_staff["desk"])
        assert (dossier.status, dossier.current_step) == (Status.PROCESSING, 2)

        services.record_appraisal(dossier, by=commune_staff["specialist"], note="Hồ sơ hợp lệ")
        draft_result(dossier, commune_staff["specialist"])
        services.complete_step(dossier, by=commune_staff["specialist"])
        assert dossier.current_step == 3
        with pytest.raises(PermissionDenied):
            services.complete_step(dossier, by=commune_staff["specialist"])

    with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=VN), tick=False):
        sign_result(dossier, commune_staff["leader"])
        services.complete_step(dossier, by=commune_staff["leader"])
        assert dossier.status == Status.RESOLVED
        services.return_result(dossier, by=commune_staff["desk"], method="desk")

    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert dossier.closed_at == dt.datetime(2026, 3, 3, 10, 0, tzinfo=VN)
    statuses = list(
        DossierEvent.objects.filter(dossier=dossier, to_status__isnull=False).values_list(
            "to_status", flat=True
        )
    )
    assert statuses == [1, 2, 4, 9, 10]


def test_a_second_supplement_request_counts_the_dossier_late_and_the_clock_restarts(province, commune_staff):
    version = commune_procedure(days="2")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        dossier = receive(version, province.commune, commune_staff["desk"])
        services.forward_dossier(dossier, by=commune_staff["desk"])
        services.request_supplement(
            dossier,
            by=commune_staff["specialist"],
            missing=["Bản sao sổ hộ khẩu"],
            reason="Thiếu giấy tờ chứng minh nơi cư trú",
        )
    assert (dossier.status, dossier.counts_as_late) == (Status.SUPPLEMENT_REQUESTED, False)

    with time_machine.travel(dt.datetime(2026, 3, 5, 14, 0, tzinfo=VN), tick=False):
        services.receive_supplement(dossier, by=commune_staff["desk"])
    assert dossier.due_at == dt.datetime(2026, 3, 9, 14, 0, tzinfo=VN)  # 2 working days from the supply
    # Mon 09:00–17:00 (6 h), Tue and Wed (8 h each), Thu 07:00–14:00 (5 h).
    assert dossier.paused_minutes == (6 + 8 + 8 + 5) * 60

    with time_machine.travel(dt.datetime(2026, 3, 6, 9, 0, tzinfo=VN), tick=False):
        services.request_supplement(
            dossier, by=commune_staff["specialist"], missing=["Ảnh"], reason="Thiếu ảnh"
        )
    assert dossier.counts_as_late is True


def test_extension_once_and_at_least_a_working_day_ahead(province, commune_staff):
    version = commune_procedure(days="2")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        dossier = receive(version, province.commune, commune_staff["desk"])
        services.forward_dossier(dossier, by=commune_staff["desk"])
        new_due = dt.datetime(2026, 3, 6, 16, 0, tzinfo=VN)
        services.extend_deadline(
            dossier, by=commune_staff["leader"], new_due_at=new_due, reason="Cần xác minh"
        )
        assert dossier.due_at == new_due
        with pytest.raises(ValidationError, match=r"once|một lần"):
            services.extend_deadline(
                dossier,
                by=commune_staff["leader"],
                new_due_at=new_due + dt.timedelta(days=1),
                reason="Lần hai",
            )


def test_extension_too_close_to_the_due_time_is_refused(province, commune_staff):
    version = commune_procedure(days="2")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        dossier = receive(version, province.commune, commune_staff["desk"])
        services.forward_dossier(dossier, by=commune_staff["desk"])
    with (
        time_machine.travel(dt.datetime(2026, 3, 3, 16, 0, tzinfo=VN), tick=False),
        pytest.raises(ValidationError),
    ):
        services.extend_deadline(
            dossier,
            by=commune_staff["leader"],
            new_due_at=dt.datetime(2026, 3, 9, 16, 0, tzinfo=VN),
            reason="Muộn",
        )
    assert dossier.extension_count == 0


def test_an_action_in_the_wrong_status_is_refused_with_a_clear_message(province, commune_staff):
    version = commune_procedure()
    dossier = receive(version, province.commune, commune_staff["desk"])

    with pytest.raises(ValidationError) as raised:
        services.return_result(dossier, by=commune_staff["desk"], method="desk")

    assert raised.value.code == "wrong_status"
    assert dossier.status == Status.RECEIVED


def test_sequential_consultation_passes_from_unit_to_unit(province, commune_staff):
    version = commune_procedure()
    other = make_member(Role.SPECIALIST, province.other_commune, "cv.vonhai")
    dept = make_member(Role.SPECIALIST, province.department, "cv.stp")
    dossier = receive(version, province.commune, commune_staff["desk"])
    services.forward_dossier(dossier, by=commune_staff["desk"])

    first, second = services.consult_units(
        dossier,
        by=commune_staff["specialist"],
        units=[province.other_commune, province.department],
        content="Xác minh nơi cư trú",
        mode="sequential",
    )
    assert (first.started_at is not None, second.started_at) == (True, None)
    with pytest.raises(ValidationError):
        services.answer_consultation(second, by=dept, answer="Chưa tới lượt")

    services.answer_consultation(first, by=other, answer="Đã xác minh")
    second.refresh_from_db()
    assert second.started_at is not None
    services.answer_consultation(second, by=dept, answer="Đồng ý")
    assert DossierEvent.objects.filter(dossier=dossier, kind="consultation_answered").count() == 2


def test_transfer_keeps_the_receiving_unit_and_code(province, commune_staff):
    version = commune_procedure()
    dossier = receive(version, province.commune, commune_staff["desk"])
    services.forward_dossier(dossier, by=commune_staff["desk"])

    services.transfer_dossier(
        dossier,
        by=commune_staff["leader"],
        to_unit=province.other_commune,
        reason="Nơi cư trú thuộc xã Võ Nhai",
    )

    assert (dossier.receiving_unit, dossier.competent_unit, dossier.current_unit) == (
        province.commune,
        province.other_commune,
        province.other_commune,
    )


def test_withdrawal_before_a_result(province, commune_staff):
    version = commune_procedure()
    dossier = receive(version, province.commune, commune_staff["desk"])

    services.withdraw_dossier(dossier, by=commune_staff["desk"], reason="Công dân xin rút")

    assert dossier.status == Status.WITHDRAWN
    assert dossier.closed_at is not None
