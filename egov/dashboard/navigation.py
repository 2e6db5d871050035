"""The staff menu: only what the officer's roles may use (issue 11 item 8).

Each entry asks the roles the page it opens asks for, read once per request (one query), so a menu
never offers a page that answers 403, and a page missing from the menu is one the officer may not use.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.accounts.models import User
from egov.dashboard.api_tokens import may_issue_api_tokens
from egov.dossiers.permissions import TRACKING_BOOK_ROLES, may_work_on_dossiers
from egov.dossiers.statistics import may_read_statistics
from egov.feedback.permissions import may_handle_feedback
from egov.organization.models import Role
from egov.organization.permissions import holds_any, is_administrator


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str | Promise
    may_use: Callable[[User], bool]


def _everyone(user: User) -> bool:
    return True


def _keeps_tracking_book(user: User) -> bool:
    return holds_any(user, *TRACKING_BOOK_ROLES)


STAFF_MENU = (
    MenuEntry("dashboard:home", _("Workspace"), _everyone),
    MenuEntry("dossiers:queue", _("Dossiers"), may_work_on_dossiers),
    MenuEntry("dossiers:intake", _("Receive a dossier"), lambda user: holds_any(user, Role.DESK_OFFICER)),
    MenuEntry("dossiers:tracking_book", _("Tracking book"), _keeps_tracking_book),
    MenuEntry("documents:list", _("Documents"), _everyone),
    MenuEntry("dashboard:statistics", _("Statistics"), may_read_statistics),
    MenuEntry("feedback_staff:queue", _("Feedback"), may_handle_feedback),
    MenuEntry("portal:catalogue", _("Procedures"), _everyone),
    MenuEntry("dashboard:api_tokens", pgettext_lazy("page", "API tokens"), may_issue_api_tokens),
    MenuEntry("admin:index", _("Administration"), lambda user: user.is_staff or is_administrator(user)),
    MenuEntry("accounts:security", _("Account security"), _everyone),
)


def staff_menu(request: HttpRequest) -> dict[str, object]:
    """`staff_menu` for templates, computed only when a page's menu is rendered."""

    def entries() -> list[MenuEntry]:
        user = request.user
        if not user.is_authenticated or user.is_citizen:
            return []
        return [entry for entry in STAFF_MENU if entry.may_use(user)]

    return {"staff_menu": entries}
