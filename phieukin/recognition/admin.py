"""Admin of the recognition registry (changes are audited)."""

from __future__ import annotations

from django.contrib import admin

from phieukin.core.admin import AuditedAdmin
from phieukin.recognition.models import EmulationModel, Honouree


@admin.register(Honouree)
class HonoureeAdmin(AuditedAdmin):
    list_display = ("full_name", "unit", "level", "year", "decision_number", "public")
    list_filter = ("year", "level", "public")
    search_fields = ("full_name", "deed", "decision_number")


@admin.register(EmulationModel)
class EmulationModelAdmin(AuditedAdmin):
    list_display = ("name", "unit", "year", "field", "status", "public")
    list_filter = ("year", "field", "status", "public")
    search_fields = ("name", "description")
