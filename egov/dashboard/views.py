"""The staff workspace."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from egov.accounts.http import AuthenticatedRequest
from egov.dossiers import queries
from egov.dossiers.permissions import may_work_on_dossiers, receiving_desks
from egov.feedback.models import Feedback
from egov.feedback.permissions import feedback_for_staff, may_handle_feedback
from egov.organization.calendar import get_calendar
from egov.organization.models import Membership, Role
from egov.organization.permissions import holds_any

COUNT_CAP = 99


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The officer's home: what waits for them (my tasks, due soon, overdue, their units' open
    dossiers for those who lead), each a link to the queue; then where they work and in which roles."""
    user = request.user
    memberships = (
        Membership.objects.current()
        .filter(user=user)
        .select_related("unit", "unit__level")
        .order_by("unit__path", "role")
    )
    counts: dict[str, int] = {}
    if may_work_on_dossiers(user):
        tabs = [queries.MINE, queries.DUE_SOON, queries.OVERDUE]
        # Heads of department and leaders answer for their units' dossiers, not only their own step.
        if holds_any(user, Role.HEAD_OF_DEPARTMENT, Role.LEADER):
            tabs.append(queries.UNIT)
        counts = queries.queue_counts(
            user, tuple(tabs), calendar=get_calendar(), now=timezone.now(), cap=COUNT_CAP
        )
    online: int | None = None
    if receiving_desks(user).exists():
        online = len(queries.online_awaiting_review(user, limit=COUNT_CAP + 1))
    feedback_open: int | None = None
    if may_handle_feedback(user):
        feedback_open = len(
            feedback_for_staff(user)
            .filter(status__in=Feedback.OPEN_STATUSES)
            .values_list("pk")[: COUNT_CAP + 1]
        )
    context = {
        "memberships": memberships,
        "counts": counts,
        "online": online,
        "feedback_open": feedback_open,
        "cap": COUNT_CAP,
    }
    return render(request, "dashboard/home.html", context)
