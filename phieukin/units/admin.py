"""Admin of units, people, positions and tenures."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from phieukin.core.admin import AuditedAdmin, ReadOnlyAdmin
from phieukin.units.models import (
    Person,
    Position,
    PositionType,
    Reorganisation,
    Succession,
    Tenure,
    Unit,
    UnitMove,
)


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "full_name", "kind", "code", "parent", "valid_from", "valid_until"]
    list_filter = ["kind", "parent"]
    search_fields = ["name", "full_name", "code"]
    ordering = ["sort_key"]


class TenureInline(admin.TabularInline):
    model = Tenure
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["full_name", "note"]
    search_fields = ["full_name", "note"]
    ordering = ["sort_key"]


@admin.register(PositionType)
class PositionTypeAdmin(AuditedAdmin):
    list_display = ["title", "key", "kind", "order"]
    list_filter = ["kind"]
    search_fields = ["title", "key"]


@admin.register(Position)
class PositionAdmin(AuditedAdmin):
    list_display = ["title", "unit", "type"]
    list_filter = ["type", "unit"]
    search_fields = ["title", "unit__name"]
    inlines = [TenureInline]


@admin.register(Tenure)
class TenureAdmin(AuditedAdmin):
    list_display = ["person", "position", "start", "end"]
    list_filter = ["position__type", "position__unit"]
    search_fields = ["person__full_name", "position__title"]
    autocomplete_fields = ["person"]
    date_hierarchy = "start"


class SuccessionInline(admin.TabularInline):
    model = Succession
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "predecessor",
        "successor",
        "whole",
        "population_share",
        "staff_share",
        "verified",
    )

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class UnitMoveInline(admin.TabularInline):
    model = UnitMove
    extra = 0
    can_delete = False
    fields = readonly_fields = ("unit", "old_parent", "new_parent")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Reorganisation)
class ReorganisationAdmin(ReadOnlyAdmin):
    """Reorganisations are recorded only as whole events (service or command), never edited."""

    list_display = ["effective", "title", "legal_basis"]
    inlines = [SuccessionInline, UnitMoveInline]
