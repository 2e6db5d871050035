"""Administration: read-only dossiers, and the outboxes with their failures (to retry or inspect)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from egov.dossiers import outbox
from egov.dossiers.models import Dossier, DossierEvent, Notification, Payment, PortalSync


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows written by services only: the admin may look, not change."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DossierEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor", "from_status", "to_status", "from_unit", "to_unit", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "applicant_name", "procedure", "receiving_unit", "status", "channel", "due_at"]
    list_filter = ["status", "channel"]
    search_fields = ["code", "applicant_name"]
    list_select_related = ["procedure", "receiving_unit"]
    inlines = [EventInline]


def _retry_now(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:  # type: ignore[type-arg]
    count = outbox.send_again(queryset, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("%(count)d row(s) will be sent again on the next pass.") % {"count": count})


_retry_now.short_description = _("Send again now")  # type: ignore[attr-defined]


@admin.register(PortalSync)
class PortalSyncAdmin(ReadOnlyAdmin):
    """Pushes to the national portal: rejected, given-up or long-pending ones show here with their error.

    "Send again now" gives the chosen rows a new retry window (outbox.send_again, audited)."""

    list_display = [
        "idempotency_key",
        "state",
        "attempts",
        "next_attempt_at",
        "retry_until",
        "sent_at",
        "error",
    ]
    list_filter = ["state"]
    search_fields = ["idempotency_key"]
    actions = [_retry_now]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is None and bool(request.user.is_superuser or request.user.is_staff)  # the action only


@admin.register(Notification)
class NotificationAdmin(PortalSyncAdmin):
    list_display = [
        "dossier",
        "channel",
        "recipient",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
    ]
    list_filter = ["state", "channel"]
    search_fields = ["dossier__code", "recipient"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["order_id", "dossier", "amount", "status", "paid_at"]
    list_filter = ["status"]
    search_fields = ["order_id", "dossier__code"]
