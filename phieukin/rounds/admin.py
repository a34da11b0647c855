"""Admin of rounds, conferences, leaders and boxes.

States and timestamps are set only by the services (open, close, publish, seal), so
they are read-only here; so are the anonymity and flag rules once they are locked.
Ballot boxes are read-only: their life is the ballot core's.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from phieukin.core.admin import AuditedAdmin, ReadOnlyAdmin
from phieukin.rounds.lifecycle import RoundState
from phieukin.rounds.models import (
    AttendanceProposal,
    BallotBox,
    Conference,
    RespondentGroup,
    Round,
    Subject,
)

LOCKED_RULES = [
    "k_threshold",
    "k_comments",
    "flag_low_share",
    "flag_mean_below",
    "flag_analogy",
    "low_option_keys",
    "blank_ballot_invalid",
    "double_mark_policy",
    "questionnaire",
    "position_types",
]
LIFECYCLE = ["state", "created_at", "rules_locked_at", "opened_at", "closed_at", "published_at"]


class RespondentGroupInline(admin.TabularInline):
    model = RespondentGroup
    extra = 0


@admin.register(Round)
class RoundAdmin(AuditedAdmin):
    list_display = ["title", "organiser_unit", "state", "questionnaire", "k_threshold"]
    list_filter = ["state", "year", "organiser_unit"]
    search_fields = ["title"]
    inlines = [RespondentGroupInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and (obj.rules_locked or obj.state != RoundState.DRAFT):
            return [*LIFECYCLE, *LOCKED_RULES, "organiser_unit", "year", "number"]
        return LIFECYCLE

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RespondentGroup)
class RespondentGroupAdmin(AuditedAdmin):
    list_display = ["label", "key", "order", "round"]
    list_filter = ["round"]
    search_fields = ["label", "key"]


@admin.register(Conference)
class ConferenceAdmin(ReadOnlyAdmin):
    """Attendance changes only through the audited conference page."""

    list_display = ["unit", "round", "held_on", "invited_count", "present_count"]
    list_filter = ["round", "unit"]
    search_fields = ["unit__name", "place"]
    date_hierarchy = "held_on"


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "title", "conference"]
    list_filter = ["conference__round", "position__type"]
    search_fields = ["name", "title"]


@admin.register(BallotBox)
class BallotBoxAdmin(ReadOnlyAdmin):
    list_display = ["conference", "state", "opened_at", "closed_at", "sealed_at"]
    list_filter = ["state", "conference__round"]
    search_fields = ["conference__unit__name"]


@admin.register(AttendanceProposal)
class AttendanceProposalAdmin(ReadOnlyAdmin):
    """Attendance changes of open boxes: proposed by one member, confirmed by another."""

    list_display = ["conference", "invited", "present", "state", "proposed_by", "confirmed_by"]
    list_filter = ["state"]
