"""Reads for the officer's workspace: the queues of dossiers (statistics live in statistics.py)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from egov.accounts.models import User
from egov.core.text import search_terms
from egov.dossiers.models import Channel, Dossier, DossierEvent, Status
from egov.dossiers.permissions import dossiers_visible_to
from egov.organization.calendar import WorkingCalendar
from egov.organization.models import Membership, Role
from egov.organization.permissions import deciding_units, units_where
from egov.procedures.models import ProcessStep

MINE = "mine"
UNIT = "unit"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
DONE = "done"
TABS = (MINE, UNIT, DUE_SOON, OVERDUE, DONE)

# The legal clock runs in these statuses (paused while a supplement is awaited, stopped at the result).
CLOCK_RUNNING = (Status.RECEIVED, Status.PROCESSING, Status.PAYMENT_REQUESTED)


@dataclass(frozen=True)
class QueueFilters:
    """What the officer narrowed the queue to; empty values mean "any"."""

    sector: str = ""
    procedure: str = ""
    status: int | None = None
    channel: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    query: str = ""


def queue_for(
    user: User,
    tab: str,
    filters: QueueFilters,
    *,
    calendar: WorkingCalendar,
    now: dt.datetime | None = None,
) -> QuerySet[Dossier]:
    """The dossiers of one queue tab, filtered, with what the queue table shows (one query)."""
    dossiers = _filtered(_in_tab(user, tab, calendar=calendar, now=now or timezone.now()), filters)
    # One step matches (version, position); no ordering, so the planner adds no join or sort.
    step_name = (
        ProcessStep.objects.filter(version=OuterRef("procedure_version"), position=OuterRef("current_step"))
        .order_by()
        .values("name")[:1]
    )
    dossiers = dossiers.select_related("procedure", "procedure_version", "current_unit").annotate(
        step_name=Subquery(step_name)
    )
    if tab == DONE:
        return dossiers.order_by(F("closed_at").desc(nulls_first=True), "-pk")
    return dossiers.order_by(F("due_at").asc(nulls_last=True), "pk")


def queue_counts(
    user: User, tabs: tuple[str, ...], *, calendar: WorkingCalendar, now: dt.datetime, cap: int = 99
) -> dict[str, int]:
    """How many dossiers each tab holds, counted up to `cap` + 1 (meaning "more than cap"): the
    workspace home shows "99+" rather than pay for a full COUNT over a province."""
    return {
        tab: len(_in_tab(user, tab, calendar=calendar, now=now).order_by().values_list("pk")[: cap + 1])
        for tab in tabs
    }


def _in_tab(user: User, tab: str, *, calendar: WorkingCalendar, now: dt.datetime) -> QuerySet[Dossier]:
    dossiers = dossiers_visible_to(user)
    if tab == MINE:
        return dossiers.filter(closed_at__isnull=True).filter(_my_work(user))
    if tab == DUE_SOON:
        soon = calendar.add_working_days(now, 1)
        return dossiers.filter(status__in=CLOCK_RUNNING, due_at__gt=now, due_at__lte=soon)
    if tab == OVERDUE:
        return dossiers.filter(status__in=CLOCK_RUNNING, due_at__lte=now)
    if tab == DONE:
        return dossiers.filter(Q(closed_at__isnull=False) | Q(status=Status.RESOLVED))
    return dossiers.filter(closed_at__isnull=True)


def _my_work(user: User) -> Q:
    """Assigned to me, at a step whose role I hold where the dossier is, or a result to hand over."""
    condition = Q(assignee=user)
    memberships = list(
        Membership.objects.current().filter(user=user).select_related("unit").only("role", "unit__path")
    )
    # Steps are worked where the member decides: their unit and its divisions (decision 0006).
    deciding = deciding_units([m.unit for m in memberships if m.role != Role.ADMINISTRATOR])
    for membership in memberships:
        if membership.role == Role.ADMINISTRATOR:
            continue
        where = Q(current_unit__in=deciding[membership.unit.pk])
        step_role = Exists(
            ProcessStep.objects.filter(
                version=OuterRef("procedure_version"),
                position=OuterRef("current_step"),
                role=membership.role,
            )
        )
        condition |= where & step_role & ~Q(status=Status.RESOLVED)
        if membership.role == Role.DESK_OFFICER:
            # Results ready to hand over at the desk that received the dossier.
            condition |= Q(status=Status.RESOLVED, receiving_unit__path__startswith=membership.unit.path)
    return condition


def _filtered(dossiers: QuerySet[Dossier], filters: QueueFilters) -> QuerySet[Dossier]:
    if filters.sector:
        dossiers = dossiers.filter(procedure_version__sector__code=filters.sector)
    if filters.procedure:
        dossiers = dossiers.filter(procedure__code=filters.procedure.strip())
    if filters.status is not None:
        dossiers = dossiers.filter(status=filters.status)
    if filters.channel is not None:
        dossiers = dossiers.filter(channel=filters.channel)
    zone = timezone.get_current_timezone()
    if filters.received_from:
        start = dt.datetime.combine(filters.received_from, dt.time.min, tzinfo=zone)
        dossiers = dossiers.filter(received_at__gte=start)
    if filters.received_to:
        end = dt.datetime.combine(filters.received_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        dossiers = dossiers.filter(received_at__lt=end)
    query = filters.query.strip()
    if query:
        # An exact code, or every word of the applicant's or owner's name, accents ignored.
        words = Q()
        for term in search_terms(query):
            words &= Q(search_text__contains=term)
        dossiers = dossiers.filter(Q(code__iexact=query) | words)
    return dossiers


@dataclass(frozen=True)
class OnlineReview:
    """An online dossier waiting for the desk's check, and when the check is due."""

    dossier: Dossier
    due_at: dt.datetime | None
    is_overdue: bool


def online_awaiting_review(
    user: User, *, now: dt.datetime | None = None, limit: int = 50
) -> list[OnlineReview]:
    """Online dossiers (status 1) at the user's desks, oldest first, each with its review deadline.

    ND 45/2020 Điều 11 khoản 3: the desk answers an online dossier within 8 working hours; the
    deadline is in the data of the latest event that set one (submission or a supplied supplement).
    """
    now = now or timezone.now()
    due = (
        DossierEvent.objects.filter(dossier=OuterRef("pk"), data__has_key="online_review_due_at")
        .order_by("-pk")
        .values("data__online_review_due_at")[:1]
    )
    dossiers = (
        Dossier.objects.filter(
            channel=Channel.ONLINE,
            status=Status.REGISTERED,
            receiving_unit__in=units_where(user, Role.DESK_OFFICER).values("pk"),
        )
        .select_related("procedure_version", "receiving_unit")
        .annotate(review_due=Subquery(due))
        .order_by("created_at", "pk")[:limit]
    )
    rows = []
    for dossier in dossiers:
        raw = getattr(dossier, "review_due", None)
        due_at = dt.datetime.fromisoformat(raw) if isinstance(raw, str) and raw else None
        rows.append(OnlineReview(dossier, due_at, due_at is not None and due_at < now))
    return rows
