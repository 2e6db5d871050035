"""Administration screens for the unit tree, memberships and the working-day calendar.

Saves go through organization.services so that paths stay right and the audit log sees them.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User
from egov.core import audit
from egov.organization import calendar, services
from egov.organization.models import CalendarOverride, Membership, OfficeHours, Unit, UnitLevel


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin[UnitLevel]):
    list_display = ["name", "code", "order", "is_historic"]
    filter_horizontal = ["parent_levels"]


class MembershipInline(admin.TabularInline[Membership, Unit]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "position_title", "started_on", "ended_on"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["name", "identifier", "level", "parent", "receives_dossiers", "dissolved_on"]
    list_filter = ["level", "receives_dossiers", ("dissolved_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "short_name", "identifier", "division_code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "created_at"]
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if not change:
            details = {
                field: form.cleaned_data[field]
                for field in [
                    "short_name",
                    "division_code",
                    "address",
                    "phone",
                    "email",
                    "website",
                    "receives_dossiers",
                    "dissolved_on",
                    "competence_basis",
                ]
            }
            created = services.create_unit(
                created_by=_actor(request),
                name=obj.name,
                identifier=obj.identifier,
                level=obj.level,
                parent=obj.parent,
                **details,
            )
            obj.pk, obj.path = created.pk, created.path
            return
        previous = Unit.objects.get(pk=obj.pk)
        if previous.parent_id != obj.parent_id and obj.parent is not None:
            services.move_unit(previous, moved_by=_actor(request), new_parent=obj.parent)
            obj.path = Unit.objects.get(pk=obj.pk).path
        before = audit.snapshot(previous, services.UNIT_AUDIT_FIELDS)
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="unit.changed",
            target=obj,
            unit_id=obj.pk,
            before=before,
            after=audit.snapshot(obj, services.UNIT_AUDIT_FIELDS),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for membership in formset.new_objects + [changed for changed, _fields in formset.changed_objects]:
            if isinstance(membership, Membership):
                services.administrators_are_staff(membership)

    def has_delete_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        # Units are dissolved (dissolved_on), never deleted: old dossiers point at them.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "unit", "role", "position_title", "started_on", "ended_on"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "unit__name", "unit__identifier"]
    autocomplete_fields = ["user", "unit"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.administrators_are_staff(obj)
        audit.record(
            actor=request.user,
            action="membership.changed" if change else "membership.granted",
            target=obj,
            unit_id=obj.unit_id,
            after={
                "user": obj.user.get_username(),
                "unit": obj.unit.identifier,
                "role": obj.role,
                "ended_on": obj.ended_on.isoformat() if obj.ended_on else None,
            },
        )


class CalendarOverrideForm(forms.ModelForm[CalendarOverride]):
    class Meta:
        model = CalendarOverride
        fields = ["date", "kind", "reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date, kind = cleaned.get("date"), cleaned.get("kind")
        if date is not None and kind:
            # The service's own refusal, shown beside the field rather than as a failed save.
            cleaned["reason"] = services.check_calendar_override(
                date, kind=kind, reason=cleaned.get("reason", "")
            )
        return cleaned


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    form = CalendarOverrideForm
    list_display = ["date", "weekday", "kind", "reason"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    change_list_template = "admin/organization/calendaroverride/change_list.html"

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarOverride) -> str:
        return ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"][
            obj.date.weekday()
        ]

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool) -> None:
        if change:
            services.remove_calendar_override(
                CalendarOverride.objects.get(pk=obj.pk).date, removed_by=_actor(request)
            )
        saved = services.set_calendar_override(
            obj.date, kind=obj.kind, reason=obj.reason, changed_by=_actor(request)
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        services.remove_calendar_override(obj.date, removed_by=_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for override in queryset:
            self.delete_model(request, override)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        year = int(request.GET.get("date__year") or timezone.localdate().year)
        extra_context = {
            **(extra_context or {}),
            "calendar_year": year,
            "calendar_days": calendar.get_calendar().holidays_in_year(year),
        }
        return super().changelist_view(request, extra_context)


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin[OfficeHours]):
    list_display = ["__str__"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not OfficeHours.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: OfficeHours | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: OfficeHours, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        calendar.calendar_changed()
        audit.record(
            actor=request.user,
            action="calendar.office_hours_changed",
            target=obj,
            after={"hours": str(obj)},
        )
