"""Admin of the self-check: read-only views (writes go through the services and pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from phieukin.core.admin import AuditedAdmin
from phieukin.selfcheck.models import Checklist, Session


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Checklist)
class ChecklistAdmin(ReadOnlyAdmin):
    list_display = ("code", "version", "title", "imported_at")


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "period", "held_on", "participants", "speakers")
    list_filter = ("period",)
