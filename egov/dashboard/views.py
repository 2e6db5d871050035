"""The staff workspace."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from egov.accounts.http import AuthenticatedRequest
from egov.organization.models import Membership


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The officer's home: where they work and in which roles."""
    memberships = (
        Membership.objects.current()
        .filter(user=request.user)
        .select_related("unit", "unit__level")
        .order_by("unit__path", "role")
    )
    return render(request, "dashboard/home.html", {"memberships": memberships})
