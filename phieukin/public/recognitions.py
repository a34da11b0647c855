"""Public pages of the recognition registry: only what the district office marked public."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from phieukin.recognition.selectors import public_honourees, public_models
from phieukin.units.models import Unit


def unit_recognitions(request: HttpRequest, unit_id: int) -> HttpResponse:
    """List a unit's public honourees and emulation models, newest year first."""
    unit = get_object_or_404(Unit, pk=unit_id)
    return render(
        request,
        "public/recognitions.html",
        {
            "unit": unit,
            "honourees": public_honourees(unit).order_by("-year", "unit__sort_key", "sort_key"),
            "models": public_models(unit).order_by("-year", "unit__sort_key", "name"),
        },
    )
