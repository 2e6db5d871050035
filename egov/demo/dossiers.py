"""Demo dossiers: a few weeks of one-stop work at three communes, made through the real services.

Deterministic (a fixed random seed), so every fresh `make run` shows the same province: dossiers
just received, waiting for papers, in appraisal, awaiting the leader, returned early, on time or
late, and one withdrawn.
"""

import datetime as dt
import random

from django.utils import timezone

from egov.accounts.models import User
from egov.dossiers import services
from egov.dossiers.models import Dossier
from egov.dossiers.services import Applicant, ComponentInput, DeskOutcome
from egov.integrations.simulated_citizens import citizens
from egov.organization.calendar import get_calendar
from egov.organization.models import Unit
from egov.procedures.models import ProcedureVersion, ProcessStep
from egov.signatures import pki
from egov.signatures.services import sign_version, usable_certificates

SEED = 2026
COMMUNES = {
    # commune: (desk officer, specialist, leader)
    "Xã Đồng Hỷ": ("motcua.donghy", "chuyenvien.donghy", "lanhdao.donghy"),
    "Xã Võ Nhai": ("motcua.vonhai", "chuyenvien.vonhai", "lanhdao.vonhai"),
}
ROLES_AT_COMMUNE = {"desk_officer", "specialist", "leader"}


def _commune_versions() -> list[ProcedureVersion]:
    """Procedures a commune decides itself whose every step has a demo officer to do it."""
    versions = (
        ProcedureVersion.objects.in_force()
        .filter(competent_unit__isnull=True, levels__icontains='"commune"', time_limit_unit="working_days")
        .prefetch_related("steps", "components")
        .order_by("procedure__code")
    )
    return [v for v in versions if {step.role for step in v.steps.all()} <= ROLES_AT_COMMUNE]


def seed_dossiers(count: int = 48) -> int:
    """Create `count` dossiers unless the communes already have some; returns how many were made."""
    if Dossier.objects.exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 — demo data, not a secret
    versions = _commune_versions()
    people = list(citizens().values())
    calendar = get_calendar()
    today = timezone.localtime().replace(hour=7, minute=30, second=0, microsecond=0)
    planned: list[tuple[dt.datetime, int, ProcedureVersion, dict[str, str]]] = []
    for index in range(count):
        version = rng.choice(versions)
        person = rng.choice(people)
        # Received on a working morning or afternoon 1–25 working days ago.
        received = calendar.add_working_minutes(
            calendar.next_working_moment(today - dt.timedelta(days=rng.randint(2, 36))), rng.randint(0, 400)
        )
        if received < timezone.now():
            planned.append((received, index, version, person))
    # Received in the order of their receipt times, as a desk receives them: the tracking book's
    # numbers (TT 01/2018 Điều 9: continuous, in order of receipt) and the day's dossier codes are
    # given at receipt, and the first entry of a year closes the year before.
    planned.sort(key=lambda plan: (plan[0], plan[1]))
    for received, index, version, person in planned:
        commune_name = list(COMMUNES)[index % len(COMMUNES)]
        desk, specialist, leader = (User.objects.get(username=name) for name in COMMUNES[commune_name])
        unit = Unit.objects.get(name=commune_name, level__code="commune")
        _play(rng, version, unit, person, desk, specialist, leader, received, index)
    return len(planned)


def _play(
    rng: random.Random,
    version: ProcedureVersion,
    unit: Unit,
    person: dict[str, str],
    desk: User,
    specialist: User,
    leader: User,
    received: dt.datetime,
    index: int,
) -> None:
    """Receive one dossier, then move it as far as its random fate says, never past now."""
    calendar = get_calendar()
    now = timezone.now()
    components = [
        ComponentInput(catalogue_component=c, exemption="shown_only") for c in version.components.all()
    ]
    applicant = Applicant(
        name=person["hoVaTen"],
        id_number=person["soDinhDanh"],
        address=person.get("noiThuongTru", ""),
        phone=person.get("soDienThoai", "") or "",
        email="",
        from_population_db=True,
    )
    dossier = services.register_at_desk(
        version=version,
        receiving_unit=unit,
        applicant=applicant,
        components=components,
        outcome=DeskOutcome(DeskOutcome.ACCEPT),
        received_by=desk,
        now=received,
    )
    fate = rng.random()
    if fate < 0.12:
        return  # just received, still at the desk
    moment = calendar.add_working_minutes(received, rng.randint(10, 120))
    if moment >= now:
        return
    services.forward_dossier(dossier, by=desk, now=moment)
    if fate < 0.18:
        services.withdraw_dossier(dossier, by=desk, reason="Công dân có đơn xin rút hồ sơ", now=moment)
        return
    if fate < 0.28:
        services.request_supplement(
            dossier,
            by=specialist,
            missing=["Bản sao giấy tờ chứng minh nơi cư trú"],
            reason="Hồ sơ thiếu giấy tờ chứng minh nơi cư trú",
            now=moment,
        )
        return
    # Each later step takes its allotted hours times a factor: most early, some late.
    pace = rng.choice([0.4, 0.6, 0.8, 1.0, 1.0, 1.3, 1.8])
    services.record_appraisal(dossier, by=specialist, note="Hồ sơ đầy đủ, hợp lệ.", now=moment)
    steps = list(version.steps.order_by("position"))
    for _step in steps[1:]:
        if dossier.status != 4 or dossier.current_step > len(steps):
            break
        current = steps[dossier.current_step - 1]
        moment = calendar.add_working_minutes(moment, max(15, int(float(current.hours) * 60 * pace)))
        if moment >= now or (fate < 0.5 and current.role == "leader"):
            return  # still in progress here
        actor = {"specialist": specialist, "leader": leader}.get(current.role, desk)
        _leave_the_steps_output(dossier, current, actor)
        services.complete_step(dossier, by=actor, note="", now=moment)
    if dossier.status == 9 and fate > 0.6:
        moment = calendar.add_working_minutes(moment, rng.randint(30, 600))
        if moment < now:
            services.return_result(dossier, by=desk, method="desk", now=moment)


def _leave_the_steps_output(dossier: Dossier, step: ProcessStep, actor: User) -> None:
    """Draft the result from the template, and sign it where the step is the leader's signature."""
    if not step.output:
        return
    if dossier.result_document is None:
        services.generate_result(dossier, by=actor)
    if step.output == ProcessStep.Output.SIGNATURE:
        assert dossier.result_document is not None
        assert dossier.result_document.current_version is not None
        [certificate, *_] = usable_certificates(actor, kind="personal")
        sign_version(
            dossier.result_document.current_version,
            certificate=certificate,
            pin=pki.DEMO_PIN,
            level="B-B",
            signed_by=actor,
        )
        dossier.result_document.refresh_from_db()
