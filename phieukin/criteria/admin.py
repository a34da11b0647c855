"""Admin of the criteria: sets are read-only (import a new version instead)."""

from __future__ import annotations

from django.contrib import admin

from phieukin.core.admin import ReadOnlyAdmin
from phieukin.criteria.models import Assessment, Commitment, CriteriaSet, Criterion, Reminder


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ReadOnlyAdmin):
    list_display = ("title", "code", "version", "imported_at")


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ("key", "criteria_set", "group_key", "max_score")
    list_filter = ("criteria_set",)


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ("person", "unit", "year", "criteria_set")
    list_filter = ("year",)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("commitment", "quarter", "state", "reviewed_points", "level_label")
    list_filter = ("state", "quarter")


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("commitment", "quarter", "kind", "queued_at")
