"""Admin of users, memberships and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from phieukin.accounts.models import ApiToken, Membership, User
from phieukin.core.admin import AuditedAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "person", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    autocomplete_fields = ["person"]
    inlines = [MembershipInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Leader"), {"fields": ["full_name", "person"]}),
        (_("Sign-in"), {"fields": ["must_change_password"]}),
    )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # A new account signs in first with a password someone else chose: it must set
        # its own before it reaches any page (accounts/middleware.py).
        if not change:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "user__full_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Tokens are issued by a service that shows the secret once; here they are only revoked."""

    list_display = ["name", "user", "created_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["user", "name", "created_at", "expires_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
