"""Admin of the follow-through: read-only; every change goes through the services."""

from __future__ import annotations

from django.contrib import admin

from phieukin.core.admin import ReadOnlyAdmin
from phieukin.followup.models import (
    CitizenFeedback,
    CultivationPlan,
    LeaderResponse,
    RemediationPlan,
    SupervisionNote,
)


@admin.register(LeaderResponse)
class LeaderResponseAdmin(ReadOnlyAdmin):
    list_display = ["subject", "unit", "updated_at"]


@admin.register(RemediationPlan)
class RemediationPlanAdmin(ReadOnlyAdmin):
    list_display = ["subject", "round", "unit", "version", "state", "superseded_at"]
    list_filter = ["state", "round"]


@admin.register(CultivationPlan)
class CultivationPlanAdmin(ReadOnlyAdmin):
    list_display = ["person", "unit", "year", "posted_at"]
    list_filter = ["year"]


@admin.register(CitizenFeedback)
class CitizenFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["plan", "state", "created_at", "answered_at"]
    list_filter = ["state"]


@admin.register(SupervisionNote)
class SupervisionNoteAdmin(ReadOnlyAdmin):
    list_display = ["plan", "author", "created_at"]
