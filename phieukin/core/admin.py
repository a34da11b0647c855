"""The Django admin site in Vietnamese, and helpers shared by the apps' admin modules."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from phieukin.core.hooks import Hook

# Asked with ``actor=, action=, obj=, data=`` inside the admin's transaction; the audit
# app (a floor above core) connects its ``record_event`` in ``AuditConfig.ready``.
admin_change_recorded: Hook[..., Any] = Hook("admin_change_recorded", required=True)


def record_event(*, actor: Any, action: str, obj: Any, data: dict[str, Any] | None = None) -> None:
    """Write one admin change to the audit chain through the connected recorder."""
    admin_change_recorded.ask(actor=actor, action=action, obj=obj, data=data)


admin.site.site_header = _("phiếu kín — administration")
admin.site.site_title = _("phiếu kín administration")
admin.site.index_title = _("Data administration")


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that shows records but never adds, changes or deletes them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Write every add, change and delete made in the admin to the audit chain.

    The admin is a back door around the services; these hooks keep it visible: who
    changed which record, which fields, in the same transaction as the change.
    """

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_event(
                actor=_actor(request),
                action="admin.change" if change else "admin.add",
                obj=obj,
                data={"fields": sorted(form.changed_data)},
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record_event(actor=_actor(request), action="admin.delete", obj=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                record_event(actor=_actor(request), action="admin.delete", obj=obj)
            super().delete_queryset(request, queryset)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            actor = _actor(request)
            for obj in formset.new_objects:
                record_event(actor=actor, action="admin.add", obj=obj)
            for obj, fields in formset.changed_objects:
                record_event(
                    actor=actor, action="admin.change", obj=obj, data={"fields": sorted(fields)}
                )
            for obj in formset.deleted_objects:
                record_event(actor=actor, action="admin.delete", obj=obj)


def _actor(request: HttpRequest) -> Any:
    user = request.user
    return user if user.is_authenticated else None
