"""Administration of signing certificates: read-only, revocation goes through the service."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User
from egov.signatures import services
from egov.signatures.models import SignatureValidation, SigningCertificate


@admin.register(SigningCertificate)
class SigningCertificateAdmin(admin.ModelAdmin[SigningCertificate]):
    list_display = ["subject", "kind", "owner", "unit", "source", "not_after", "revoked_at"]
    list_filter = ["kind", "source"]
    search_fields = ["subject", "serial"]
    actions = ["revoke"]
    readonly_fields = [f.name for f in SigningCertificate._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SigningCertificate | None = None) -> bool:
        return False

    @admin.action(description=_("Revoke (key compromise)"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[SigningCertificate]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        for cert in queryset:
            services.revoke_certificate(cert, reason="keyCompromise", revoked_by=actor)
        messages.success(request, _("The certificates were revoked."))


@admin.register(SignatureValidation)
class SignatureValidationAdmin(admin.ModelAdmin[SignatureValidation]):
    list_display = ["version", "status", "validated_at", "validated_by"]
    list_filter = ["status"]
    readonly_fields = ["version", "status", "validated_at", "validated_by", "report"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SignatureValidation | None = None) -> bool:
        return False
