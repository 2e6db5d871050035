"""Documents in the admin: read-only, because versions are immutable and every write is audited.

Documents and versions are created through egov.documents.services (the staff screens and the
API), which check the file and write the audit entry; the admin only shows them.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from egov.documents.models import DigitisationJob, Document, DocumentVersion


class ReadOnlyAdminMixin:
    """View-only: no add, change or delete, whatever the user's permissions."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VersionInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = DocumentVersion
    fk_name = "document"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = (
        "number",
        "origin",
        "original_filename",
        "mime_type",
        "size",
        "page_count",
        "has_signatures",
        "is_pdfa",
        "sha256",
        "created_by",
        "created_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[DocumentVersion]:
        return super().get_queryset(request).select_related("created_by").defer("text", "search_text")


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Document]):
    list_display = ["title", "unit", "created_by", "created_at"]
    list_select_related = ["unit", "created_by"]
    search_fields = ["title", "search_title"]
    date_hierarchy = "created_at"
    inlines = [VersionInline]
    exclude = ["search_text"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return super().get_queryset(request).defer("search_text")


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[DocumentVersion]):
    list_display = ["document", "number", "origin", "original_filename", "mime_type", "size", "created_at"]
    list_select_related = ["document"]
    list_filter = ["origin", "mime_type", "has_signatures", "is_pdfa"]
    search_fields = ["sha256", "original_filename", "document__title"]
    exclude = ["search_text"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DocumentVersion]:
        return super().get_queryset(request).defer("text", "search_text")


@admin.register(DigitisationJob)
class DigitisationJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[DigitisationJob]):
    list_display = ["source", "status", "progress", "mean_confidence", "created_at", "finished_at"]
    list_select_related = ["source", "source__document"]
    list_filter = ["status"]
