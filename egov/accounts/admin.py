"""Admin for users (with unlock and token issuing) and API tokens (read-only, revocable)."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov.accounts import services
from egov.accounts.models import ApiToken, User


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ("username", "full_name", "kind", "is_staff", "is_active")
    list_filter = ("kind", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "full_name", "email", "national_id", "phone")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {"fields": ("kind", "full_name", "email", "phone", "national_id", "preferred_language")},
        ),
        (
            _("Access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Login"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "kind", "full_name", "email")}),
        (None, {"classes": ("wide",), "fields": ("password1", "password2")}),
    )
    actions = ("unlock", "create_api_token")

    # Who is a superuser and which raw permissions a user holds are decided by superusers only:
    # an administrator's rights come from the administrator role, and must not be able to grow.
    SUPERUSER_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (
                name,
                {**options, "fields": [f for f in options["fields"] if f not in self.SUPERUSER_ONLY_FIELDS]},
            )
            for name, options in fieldsets
        ]

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    # Locks are kept by django-axes per (name, address); its "Access attempts" list shows them.
    @admin.action(description=_("Unlock the selected accounts"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset:
            services.unlock_user(user, unlocked_by=_actor(request))
            count += 1
        self.message_user(
            request, gettext("%(count)d account(s) unlocked.") % {"count": count}, messages.SUCCESS
        )

    @admin.action(description=_("Create an API token for the selected users"))
    def create_api_token(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse:
        # The raw tokens are rendered in this response and nowhere else: a message would carry
        # them through the session or a cookie.
        name = gettext("Created in the admin on %(date)s") % {
            "date": timezone.localtime().strftime("%d/%m/%Y %H:%M")
        }
        created = [
            services.create_api_token(user, name=name, created_by=_actor(request)) for user in queryset
        ]
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": gettext("API tokens created"),
            "created": created,
        }
        return TemplateResponse(request, "accounts/admin/api_token_created.html", context)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("user", "name", "prefix", "token_hash", "created_at", "last_used_at", "revoked_at")
    fields = ("user", "name", "prefix", "token_hash", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Tokens come from the user admin's action or `manage.py create_api_token`, which show
        # the raw value once; a plain add form could not.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # Revoke instead, so the audit trail keeps pointing at an existing token.
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            services.revoke_api_token(token, revoked_by=_actor(request))
        self.message_user(
            request,
            gettext("%(count)d token(s) revoked.") % {"count": len(tokens)},
            messages.SUCCESS,
        )
