"""Forms of the recognition registry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phieukin.recognition.models import FieldOfWork, Level, ModelStatus
from phieukin.units.models import Unit


class HonoureeForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=128)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    level = forms.ChoiceField(label=_("Honour level"), choices=Level.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1945, max_value=2100)
    deed = forms.CharField(label=_("The deed, in a sentence"), max_length=500)
    decision_number = forms.CharField(label=_("Decision number"), max_length=64)
    decision_date = forms.DateField(
        label=_("Decision date"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("dd/mm/yyyy"),
    )
    public = forms.BooleanField(label=_("Show on the public site"), required=False)

    def __init__(self, *args: Any, units: Any, may_publish: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if not may_publish:
            del self.fields["public"]


class ModelForm(forms.Form):
    name = forms.CharField(label=_("Name of the model"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=1945, max_value=2100)
    field = forms.ChoiceField(label=_("Field"), choices=FieldOfWork.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    results = forms.CharField(
        label=_("Results"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ModelStatus.choices, initial=ModelStatus.RECOGNISED
    )
    public = forms.BooleanField(label=_("Show on the public site"), required=False)

    def __init__(self, *args: Any, units: Any, may_publish: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if not may_publish:
            del self.fields["public"]
