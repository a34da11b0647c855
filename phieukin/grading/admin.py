"""Admin of the grading: read-only views (the three steps go through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from phieukin.core.admin import AuditedAdmin
from phieukin.grading.models import Grading, GradingYear


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GradingYear)
class GradingYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "organiser_unit", "regulation")


@admin.register(Grading)
class GradingAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "unit", "step", "self_grade", "proposed_grade", "decided_grade")
    list_filter = ("kind", "step")
