"""Who may see and handle feedback and ratings.

Staff holding a handling role in the feedback's unit (or above it) see and handle it; a citizen
sees their own. Everyone else gets 404, so references cannot be probed.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from egov.accounts.models import User
from egov.dossiers.models import Dossier
from egov.dossiers.permissions import STAFF_ROLES
from egov.feedback.models import Feedback, Rating
from egov.organization.models import Role
from egov.organization.permissions import holds_any, units_where

# Who answers PAKN in a unit (QĐ 766 group 6 leaves it to the unit; administrators act in all roles).
HANDLER_ROLES = (Role.LEADER, Role.HEAD_OF_DEPARTMENT, Role.SPECIALIST, Role.ADMINISTRATOR)


def feedback_for_staff(user: User) -> QuerySet[Feedback]:
    """Feedback handled in units where the user holds a handling role."""
    if not user.is_authenticated or user.is_citizen:
        return Feedback.objects.none()
    return Feedback.objects.filter(unit__in=units_where(user, *HANDLER_ROLES).values("pk"))


def may_handle_feedback(user: User) -> bool:
    """Whether the officer answers feedback anywhere (the menu and the queue page agree)."""
    return not user.is_citizen and holds_any(user, *HANDLER_ROLES)


def get_feedback_for_staff(user: User, pk: int) -> Feedback:
    return get_object_or_404(feedback_for_staff(user).select_related("unit", "dossier", "procedure"), pk=pk)


def get_feedback_for_citizen(user: User, pk: int) -> Feedback:
    if not user.is_authenticated or not user.is_citizen:
        raise Http404
    return get_object_or_404(Feedback.objects.select_related("unit"), pk=pk, citizen=user)


def get_published_feedback(pk: int) -> Feedback:
    return get_object_or_404(Feedback.objects.published().select_related("unit"), pk=pk)


def get_own_dossier(user: User, code: str) -> Dossier:
    """A citizen's own dossier (ratings and feedback are the applicant's, not staff's)."""
    if not user.is_authenticated or not user.is_citizen:
        raise Http404
    return get_object_or_404(
        Dossier.objects.select_related("receiving_unit", "procedure"), code=code, citizen=user
    )


def ratings_for_staff(user: User) -> QuerySet[Rating]:
    """Ratings of dossiers received, decided or held in the user's units."""
    if not user.is_authenticated or user.is_citizen:
        return Rating.objects.none()
    unit_ids = units_where(user, *STAFF_ROLES).values("pk")
    return Rating.objects.filter(
        Q(dossier__receiving_unit__in=unit_ids)
        | Q(dossier__competent_unit__in=unit_ids)
        | Q(dossier__current_unit__in=unit_ids)
    )
