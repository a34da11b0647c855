"""The dashboard: rounds, conferences, participation and live box counts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from phieukin.criteria.selectors import dashboard_panel as criteria_panel
from phieukin.followup.selectors import dashboard_panel as followup_panel
from phieukin.grading.selectors import dashboard_panel as grading_panel
from phieukin.recognition.selectors import dashboard_panel as recognition_panel
from phieukin.rounds.selectors import conference_rows, visible_rounds
from phieukin.selfcheck.selectors import dashboard_panel as selfcheck_panel


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show each visible round with its conferences and live counts (never content)."""
    rounds = list(visible_rounds(request.user).order_by("-year", "-number"))
    panels = []
    for rnd in rounds:
        rows = conference_rows(request.user, rnd)
        invited = sum(r.conference.invited_count for r in rows)
        present = sum(r.conference.present_count for r in rows)
        panels.append(
            {
                "round": rnd,
                "rows": rows,
                "invited": invited,
                "present": present,
                "ballots": sum(r.counts.ballots for r in rows),
                "first_day": min(
                    (r.conference.held_on for r in rows if r.conference.held_on), default=None
                ),
                "last_day": max(
                    (r.conference.held_on for r in rows if r.conference.held_on), default=None
                ),
            }
        )
    return render(
        request,
        "console/dashboard.html",
        {
            "panels": panels,
            "criteria_panel": criteria_panel(request.user),
            "recognition_panel": recognition_panel(request.user),
            "followup": followup_panel(request.user),
            "selfcheck": selfcheck_panel(request.user),
            "grading": grading_panel(request.user),
        },
    )
