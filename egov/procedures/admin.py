"""The catalogue in the admin: read-only, because every change comes from a publication decision.

Decisions are imported (the "Import procedure catalogue" screen — Nhập danh mục TTHC — or
`manage.py import_catalogue`) through egov.procedures.services, which validates the whole file
and writes the audit entries; editing rows here would bypass both, so the admin only shows them.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User
from egov.documents import validation
from egov.procedures import exchange, services
from egov.procedures.models import (
    Component,
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
    Sector,
)

# An upload larger than this is not a catalogue (the whole national list is a few megabytes).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
TEXT_TYPES = {"application/json", "application/csv"}


class ReadOnlyAdminMixin:
    """View-only: no add, change or delete, whatever the user's permissions."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Sector)
class SectorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Sector]):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class DecisionVersionInline(ReadOnlyTabularInline):
    model = ProcedureVersion
    fields = readonly_fields = ("procedure", "number", "change", "name", "sector")
    show_change_link = True
    verbose_name_plural = _("versions published by this decision")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcedureVersion]:
        return super().get_queryset(request).select_related("procedure", "sector")


@admin.register(PublicationDecision)
class PublicationDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[PublicationDecision]):
    list_display = ["number", "signed_on", "effective_from", "issuer", "imported_at"]
    search_fields = ["number", "issuer", "title"]
    date_hierarchy = "signed_on"
    inlines = [DecisionVersionInline]


class ProcedureVersionInline(ReadOnlyTabularInline):
    model = ProcedureVersion
    fields = readonly_fields = ("number", "decision", "change", "name", "time_limit_value", "time_limit_unit")
    show_change_link = True
    verbose_name_plural = _("versions")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcedureVersion]:
        return super().get_queryset(request).select_related("decision")


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file"),
        help_text=_("egov-catalogue/1 as JSON, or CSV (a file name ending in .csv)."),
    )
    dry_run = forms.BooleanField(label=_("Check only (dry run)"), required=False, initial=True)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        # Only text is parsed: anything else (a PDF, a spreadsheet, a zip) is refused by its
        # content, whatever its name, before a parser sees it. There is no XLSX import, so no
        # zip is ever opened here.
        upload.seek(0)
        head = upload.read(64 * 1024)
        upload.seek(0)
        detected = validation.sniff(head) if head else "text/plain"
        if not (detected.startswith("text/") or detected in TEXT_TYPES) or b"\x00" in head:
            raise forms.ValidationError(
                _("The catalogue file must be JSON or CSV (UTF-8 text); this file is %(type)s."),
                code="not_text",
                params={"type": validation.TYPE_NAMES.get(detected, detected)},
            )
        return upload


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Procedure]):
    list_display = ["code", "current_name", "sector", "is_abolished", "replaced_by"]
    list_filter = ["is_abolished"]
    search_fields = ["code", "current_version__name"]
    list_select_related = ["current_version__sector", "replaced_by"]
    fields = ["code", "current_version", "is_abolished", "replaced_by"]
    inlines = [ProcedureVersionInline]

    @admin.display(description=_("name"), ordering="current_version__name")
    def current_name(self, obj: Procedure) -> str:
        return obj.current_version.name if obj.current_version else "—"

    @admin.display(description=_("sector"))
    def sector(self, obj: Procedure) -> str:
        return obj.current_version.sector.name if obj.current_version else "—"

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="procedures_procedure_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="procedures_procedure_export",
            ),
        ]
        return own + super().get_urls()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            # Importing is "adding procedures": the add permission gates it, not is_superuser.
            "can_import": request.user.has_perm("procedures.add_procedure"),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a catalogue file, show the report, and import it only if it has no errors."""
        if not request.user.has_perm("procedures.add_procedure"):
            raise PermissionDenied
        report: services.ImportReport | None = None
        if request.method == "POST":
            form = CatalogueImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                parsed = exchange.parse(upload.read(), fmt=exchange.guess_format(upload.name))
                report = services.import_catalogue(
                    parsed,
                    imported_by=request.user,  # type: ignore[arg-type]
                    dry_run=form.cleaned_data["dry_run"],
                )
        else:
            form = CatalogueImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import procedure catalogue"),
            "form": form,
            "report": report,
            "changelist_url": reverse("admin:procedures_procedure_changelist"),
        }
        return TemplateResponse(request, "admin/procedures/import_catalogue.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """Download the procedures in force (JSON, or CSV with ?format=csv)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.GET.get("format") == "csv":
            body, content_type, name = services.export_catalogue_csv(), "text/csv", "csv"
        else:
            document = services.export_catalogue()
            body, content_type, name = exchange.to_json(document), "application/json", "json"
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="danh-muc-tthc.{name}"'
        return response


class ComponentInline(ReadOnlyTabularInline):
    model = Component
    fields = readonly_fields = (
        "position",
        "name",
        "originals",
        "certified_copies",
        "copies",
        "form",
        "is_required",
    )


class FeeInline(ReadOnlyTabularInline):
    model = Fee
    fields = readonly_fields = ("position", "description", "amount")


class ProcessStepInline(ReadOnlyTabularInline):
    model = ProcessStep
    fields = readonly_fields = ("position", "name", "role", "performer", "unit", "hours")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcessStep]:
        return super().get_queryset(request).select_related("unit")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ProcedureVersion]):
    """Versions are immutable (a dossier keeps the version it was received under)."""

    list_display = ["procedure", "number", "name", "change", "decision", "sector"]
    list_filter = ["change", "sector", "online_level"]
    search_fields = ["procedure__code", "name"]
    list_select_related = ["procedure", "decision", "sector"]
    exclude = ["search_text"]
    inlines = [ComponentInline, FeeInline, ProcessStepInline]

    # The forwarding cut-off is the province's own setting, not the decision's (ND 61/2018
    # Điều 18; checklist 53): it alone can be changed here, through the service that audits it.
    EDITABLE = ("forward_cutoff",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("procedures.change_procedureversion")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = [f.name for f in ProcedureVersion._meta.concrete_fields if f.name not in self.EDITABLE]
        return ["procedure_link", *[name for name in fixed if name not in ("id", "search_text")]]

    def save_model(self, request: HttpRequest, obj: ProcedureVersion, form: Any, change: bool) -> None:
        assert change
        assert isinstance(request.user, User)
        services.set_forward_cutoff(obj, form.cleaned_data.get("forward_cutoff"), by=request.user)

    @admin.display(description=_("procedure"))
    def procedure_link(self, obj: ProcedureVersion) -> str:
        url = reverse("admin:procedures_procedure_change", args=[obj.procedure_id])
        return format_html('<a href="{}">{}</a>', url, obj.procedure.code)
