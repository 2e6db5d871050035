"""Read-only administration screens: every change goes through egov.feedback.services."""

from django.contrib import admin
from django.http import HttpRequest

from egov.feedback.models import Feedback, Rating


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(_ReadOnly):
    list_display = ["dossier", "overall", "unit", "created_at"]
    list_filter = ["overall"]


@admin.register(Feedback)
class FeedbackAdmin(_ReadOnly):
    list_display = ["reference", "kind", "status", "unit", "received_at", "answer_due_at"]
    list_filter = ["status", "kind"]
