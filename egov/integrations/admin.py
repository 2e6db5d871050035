"""Simulator records in the admin: what was received is read-only; the switches are editable.

The switches change no real data (they only make a simulator answer 503), so they are saved
directly rather than through a service.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from egov.integrations.models import SimulatedSms, SimulatedSync, SimulatorSwitch


class ReadOnlyAdmin[M: SimulatedSms | SimulatedSync](admin.ModelAdmin[M]):
    """View-only: a simulator's record of what it received is evidence, not something to edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SimulatedSms)
class SimulatedSmsAdmin(ReadOnlyAdmin[SimulatedSms]):
    list_display = ["created_at", "phone", "sender", "status", "text"]
    list_filter = ["status"]
    search_fields = ["phone", "text"]


@admin.register(SimulatedSync)
class SimulatedSyncAdmin(ReadOnlyAdmin[SimulatedSync]):
    list_display = ["received_at", "dossier_code", "idempotency_key", "receipt_id"]
    search_fields = ["dossier_code", "idempotency_key"]


@admin.register(SimulatorSwitch)
class SimulatorSwitchAdmin(admin.ModelAdmin[SimulatorSwitch]):
    list_display = ["name", "failing"]
    list_editable = ["failing"]
