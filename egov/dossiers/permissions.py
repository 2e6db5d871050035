"""Who may see a dossier and who may act on it.

A dossier is visible to staff of its receiving, competent and current units (and everything
above them in the tree, through the subtree rule), to its assignee, to units consulted on it,
and to the citizen who filed it. Everyone else gets 404, so codes cannot be probed. Acting on it
is narrower: the roles of the unit where it now is, or of the agency that unit is a division of
(`decides_in`, decision 0006); seeing from above is overseeing, not deciding.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from egov.accounts.models import User
from egov.documents.models import Document
from egov.dossiers.models import Consultation, Dossier, DossierComponent, Status
from egov.organization.models import Role, Unit
from egov.organization.permissions import decides_in, has_role_in, holds_any, units_where
from egov.procedures.models import ProcessStep

STAFF_ROLES = (
    Role.DESK_OFFICER,
    Role.SPECIALIST,
    Role.HEAD_OF_DEPARTMENT,
    Role.LEADER,
    Role.CLERK,
)


def dossiers_visible_to(user: User) -> QuerySet[Dossier]:
    """Dossiers the user may see."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    if user.is_citizen:
        return Dossier.objects.filter(citizen=user)
    # Literal id lists, not subqueries: PostgreSQL then reads each arm from its index and ORs the
    # bitmaps, instead of filtering the whole table through hashed subplans (docs/performance.md).
    unit_ids = list(units_where(user, *STAFF_ROLES).values_list("pk", flat=True))
    consulted = list(
        Consultation.objects.filter(unit__in=unit_ids)
        .order_by()
        .values_list("dossier_id", flat=True)
        .distinct()
    )
    return Dossier.objects.filter(
        Q(receiving_unit__in=unit_ids)
        | Q(competent_unit__in=unit_ids)
        | Q(current_unit__in=unit_ids)
        | Q(assignee=user)
        | Q(pk__in=consulted)
    )


def get_dossier_for_user(user: User, code: str, *, for_update: bool = False) -> Dossier:
    """Return the dossier if the user may see it, else raise Http404 (missing and forbidden alike).

    With for_update, call inside a transaction: the row stays locked until it ends.
    """
    dossiers = dossiers_visible_to(user)
    if for_update:
        # Check visibility first, then lock just the dossier row (not the joined units).
        found = dossiers.filter(code=code).values_list("pk", flat=True).first()
        if found is None:
            raise Http404
        return with_related(Dossier.objects.select_for_update(of=("self",))).get(pk=found)
    return get_object_or_404(with_related(dossiers), code=code)


def with_related(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Dossiers with their procedure, units and assignee, read in the fewest planner-cheap queries.

    The procedure and version are joined; the units and the assignee come by a second query each
    (`IN` by primary key). Joining all six made PostgreSQL spend ~16 ms planning each read of a
    dossier (the 17 indexes of the dossier table multiply the join orders), for 0.4 ms executing.
    """
    return dossiers.select_related("procedure", "procedure_version").prefetch_related(
        "receiving_unit", "competent_unit", "current_unit", "assignee"
    )


# Who prints a desk's tracking book (Mẫu 07): the desk, its leaders (administrators act in all roles).
TRACKING_BOOK_ROLES = (Role.DESK_OFFICER, Role.LEADER, Role.ADMINISTRATOR)


def may_work_on_dossiers(user: User) -> bool:
    """Whether the officer has a queue of dossiers at all (the menu and the queue page agree)."""
    return holds_any(user, *STAFF_ROLES)


def receiving_desks(user: User) -> QuerySet[Unit]:
    """One-stop desks where the user receives dossiers."""
    if not holds_any(user, Role.DESK_OFFICER):
        return Unit.objects.none()
    return (
        units_where(user, Role.DESK_OFFICER)
        .filter(receives_dossiers=True, dissolved_on__isnull=True)
        .select_related("level")
        .order_by("path")
    )


def tracking_book_units(user: User) -> QuerySet[Unit]:
    """Desks whose tracking book the user may print."""
    if not holds_any(user, *TRACKING_BOOK_ROLES):
        return Unit.objects.none()
    return units_where(user, *TRACKING_BOOK_ROLES).filter(receives_dossiers=True).order_by("path")


def can_receive_at(user: User, unit: Unit) -> bool:
    """Desk officers receive dossiers at their one-stop desk (and its subtree)."""
    return has_role_in(user, unit, Role.DESK_OFFICER)


def can_act_as(user: User, dossier: Dossier, *roles: Role) -> bool:
    """Whether the user holds one of the roles where the dossier now is, or is its assignee."""
    if dossier.assignee_id == user.pk and Role.SPECIALIST in roles:
        return True
    return decides_in(user, dossier.current_unit, *roles)


def can_work_on_step(user: User, dossier: Dossier, step: ProcessStep | None) -> bool:
    """Whether the user holds the role of the dossier's current step where the dossier now is.

    The assignee counts only on a specialist's step: once the step has moved on to the head of
    department or the leader, the specialist's actions are no longer theirs.
    """
    if step is None:
        return False
    if step.role == Role.SPECIALIST and dossier.assignee_id == user.pk:
        return True
    return decides_in(user, dossier.current_unit, Role(step.role))


# --- The documents a dossier holds (registered with egov.documents.permissions in apps.py) ---------

# The citizen sees the electronic result once the dossier is processed (it is then in their store).
RESULT_READY = (Status.RESOLVED, Status.RETURNED)


def documents_through_dossiers(user: User) -> Q:
    """Documents the user reaches through dossiers: every paper and result of a dossier they may see.

    A citizen sees the papers of their own dossiers, and the result once it is processed.
    """
    dossiers = dossiers_visible_to(user)
    results = dossiers.filter(status__in=RESULT_READY) if user.is_citizen else dossiers
    papers = DossierComponent.objects.filter(dossier__in=dossiers, document__isnull=False)
    return Q(pk__in=papers.values("document_id")) | Q(
        pk__in=results.filter(result_document__isnull=False).values("result_document_id")
    )


def may_add_document_version(user: User, document: Document) -> bool:
    """Only those who handle an open dossier holding the document make new versions of it.

    Handling: a staff role where the dossier now is, or being its specialist assignee.
    """
    if not user.is_authenticated or user.is_citizen:
        return False
    holders = (
        Dossier.objects.filter(
            Q(pk__in=DossierComponent.objects.filter(document=document).values("dossier_id"))
            | Q(result_document=document),
            closed_at__isnull=True,
        )
        .select_related("current_unit")
        .order_by("pk")
    )
    return any(can_act_as(user, dossier, *STAFF_ROLES) for dossier in holders)
