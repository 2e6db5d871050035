"""The statistics page for leaders and one-stop staff: figures, indicator 2.1 and the Excel export."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.accounts.http import AuthenticatedRequest
from egov.core import forms as core_forms
from egov.dossiers.statistics import (
    GROUPING_LABELS,
    Period,
    StatisticsRow,
    dossier_statistics,
    parse_period,
    statistics_units,
    statistics_workbook,
)
from egov.organization.forms import UnitChoiceField
from egov.organization.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The page's columns, in the order of the national report (received → resolved → in progress):
# the field, its full name (the header's title, as in the Excel sheet) and a header short enough
# for twenty columns to fit a 1280 px screen.
COLUMNS = [
    ("received", _("Received"), pgettext_lazy("statistics column", "Received")),
    ("received_direct", _("At the desk"), pgettext_lazy("statistics column", "Desk")),
    ("received_online", _("Online"), pgettext_lazy("statistics column", "Online")),
    ("received_postal", _("By post"), pgettext_lazy("statistics column", "Post")),
    ("carried_over", _("Carried over"), pgettext_lazy("statistics column", "Carried over")),
    ("resolved", _("Processed"), pgettext_lazy("statistics column", "Done")),
    ("resolved_early", _("Early"), pgettext_lazy("statistics column", "Early")),
    ("resolved_on_time", _("On time"), pgettext_lazy("statistics column", "On time")),
    ("resolved_late", _("Late"), pgettext_lazy("statistics column", "Late")),
    (
        "in_progress_on_time",
        _("In progress, within time"),
        pgettext_lazy("statistics column", "Pending, in time"),
    ),
    (
        "in_progress_overdue",
        _("In progress, overdue"),
        pgettext_lazy("statistics column", "Pending, overdue"),
    ),
    ("supplement_requested", _("Supplement requested"), pgettext_lazy("statistics column", "Supplement")),
    ("extended", _("Extended"), pgettext_lazy("statistics column", "Extended")),
    ("withdrawn", _("Withdrawn"), pgettext_lazy("statistics column", "Withdrawn")),
    ("stopped", _("Stopped"), pgettext_lazy("statistics column", "Stopped")),
    ("refused", pgettext_lazy("dossier outcome", "Refused"), pgettext_lazy("statistics column", "Refused")),
    ("not_received", _("Not received"), pgettext_lazy("statistics column", "Not received")),
]


# Which period kinds each period field belongs to. The page's script (static/egov/stats.js) shows
# only the chosen kind's fields; without it all show, and the server ignores the others.
PERIOD_FIELDS = {
    "year": ("month", "quarter", "year"),
    "month": ("month",),
    "quarter": ("quarter",),
    "date_from": ("custom",),
    "date_to": ("custom",),
}


class StatisticsForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("month", _("Month")),
            ("quarter", _("Quarter")),
            ("year", _("Year")),
            ("custom", _("From … to …")),
        ],
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12, required=False)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4, required=False)
    date_from = core_forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = core_forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    unit = UnitChoiceField(
        label=_("Unit"),
        to_field_name="identifier",
        required=False,
        empty_label=_("All my units"),
    )
    grouping = forms.ChoiceField(label=_("Group by"), choices=list(GROUPING_LABELS.items()))

    def __init__(self, data: dict[str, Any], *, units: QuerySet[Unit]) -> None:
        super().__init__(data)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        for name, kinds in PERIOD_FIELDS.items():
            self.fields[name].widget.attrs["data-period-kinds"] = " ".join(kinds)
        self.chosen_period: Period | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("period")
        for name, kinds in PERIOD_FIELDS.items():
            if kind not in kinds:
                # A month left in the form beside a range of dates is not part of the question.
                self.errors.pop(name, None)
                cleaned.pop(name, None)
        if self.errors:
            return cleaned
        try:
            self.chosen_period = parse_period(
                cleaned["period"],
                year=cleaned.get("year"),
                month=cleaned.get("month"),
                quarter=cleaned.get("quarter"),
                date_from=cleaned.get("date_from"),
                date_to=cleaned.get("date_to"),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
            return cleaned
        self._offer_units_of(self.chosen_period, chosen=cleaned.get("unit"))
        return cleaned

    def _offer_units_of(self, period: Period, *, chosen: Unit | None) -> None:
        """Offer the units that existed in the period: a district dissolved on 1/7/2025 for 2025's
        first half, not for this month (the chosen unit stays, so the select shows what was asked)."""
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        assert unit_field.queryset is not None
        existed = Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=period.first_day)
        if chosen is not None:
            existed |= Q(pk=chosen.pk)
        unit_field.queryset = unit_field.queryset.filter(existed)

    def scope(self, allowed: QuerySet[Unit]) -> QuerySet[Unit]:
        """The chosen unit's subtree, or every unit the reader may see."""
        unit = self.cleaned_data.get("unit")
        return Unit.objects.subtree_of([unit]) if unit is not None else allowed


def _form(request: AuthenticatedRequest) -> tuple[StatisticsForm, QuerySet[Unit]]:
    allowed = statistics_units(request.user)
    if not allowed.exists():
        # Leaders, heads of department, administrators and desk officers only.
        raise PermissionDenied
    today = timezone.localdate()
    defaults = {
        "period": "month",
        "year": str(today.year),
        "month": str(today.month),
        "quarter": str((today.month - 1) // 3 + 1),
        "grouping": "unit",
    }
    return StatisticsForm({**defaults, **request.GET.dict()}, units=allowed), allowed


@login_required
def statistics(request: AuthenticatedRequest) -> HttpResponse:
    """/can-bo/thong-ke/: the figures of a period per unit, procedure or sector."""
    form, allowed = _form(request)
    report = None
    if form.is_valid() and form.chosen_period is not None:
        report = dossier_statistics(
            form.chosen_period, grouping=form.cleaned_data["grouping"], units=form.scope(allowed)
        )
    context = {
        "form": form,
        "report": report,
        "table": [_cells(row) for row in report.rows] if report else [],
        "total": _cells(report.total) if report else None,
        "columns": COLUMNS,
        "grouping_label": GROUPING_LABELS.get(form.data.get("grouping", "unit"), ""),
        "query_string": request.GET.urlencode(),
    }
    return render(request, "dashboard/statistics.html", context, status=200 if report else 400)


def _cells(row: StatisticsRow) -> tuple[StatisticsRow, list[object]]:
    percent, score = row.on_time_percent, row.indicator_score
    return row, [
        *(getattr(row, field) for field, _label, _short in COLUMNS),
        percent if percent is not None else "–",
        score if score is not None else "–",
    ]


@login_required
def statistics_excel(request: AuthenticatedRequest) -> HttpResponse:
    """The same figures as an .xlsx workbook, one sheet per grouping."""
    form, allowed = _form(request)
    if not form.is_valid() or form.chosen_period is None:
        return render(request, "dashboard/statistics.html", {"form": form, "columns": COLUMNS}, status=400)
    unit = form.cleaned_data.get("unit")
    content = statistics_workbook(
        form.chosen_period, units=form.scope(allowed), scope_name=unit.name if unit is not None else ""
    )
    response = HttpResponse(content, content_type=XLSX)
    name = f"thong-ke-ho-so-{form.chosen_period.first_day:%Y%m%d}-{form.chosen_period.last_day:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
