"""Forms of the grading pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phieukin.grading.models import GradeLevel, Regulation
from phieukin.units.models import Unit


class YearForm(forms.Form):
    organiser_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Organising unit")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2018, max_value=2100)
    regulation = forms.ChoiceField(
        label=_("Regulation"),
        choices=[("", _("the one that governs the year")), *Regulation.choices],
        required=False,
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser_unit"].queryset = units  # type: ignore[attr-defined]


class StepForm(forms.Form):
    """One step: a text, and either a grade or the points of the framework."""

    text = forms.CharField(
        label=_("Assessment"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    grade = forms.ChoiceField(
        label=_("Grade"), choices=[("", "—"), *GradeLevel.choices], required=False
    )
    general = forms.DecimalField(
        label=_("General criteria (points)"),
        min_value=Decimal("0"),
        max_digits=4,
        decimal_places=1,
        required=False,
        localize=True,
    )
    tasks = forms.DecimalField(
        label=_("Task results (points)"),
        min_value=Decimal("0"),
        max_digits=4,
        decimal_places=1,
        required=False,
        localize=True,
    )

    def __init__(self, *args: Any, points: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if points:
            del self.fields["grade"]
        else:
            del self.fields["general"]
            del self.fields["tasks"]
