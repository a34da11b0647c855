"""The organiser's dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from phieukin.rounds.selectors import rounds_for


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show the rounds the user can see."""
    return render(request, "core/dashboard.html", {"rounds": rounds_for(request.user)})
