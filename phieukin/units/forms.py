"""Forms of the units pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phieukin.units.models import Person, Position


class AppointForm(forms.Form):
    """Appoint an existing person, or a new one, to a position."""

    position = forms.ModelChoiceField(queryset=Position.objects.none(), label=_("Position"))
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("Existing person"),
        required=False,
        empty_label=_("— a new person —"),
    )
    full_name = forms.CharField(label=_("Or the full name of a new person"), required=False)
    start = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, positions: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        position_field = self.fields["position"]
        person_field = self.fields["person"]
        assert isinstance(position_field, forms.ModelChoiceField)
        assert isinstance(person_field, forms.ModelChoiceField)
        position_field.queryset = positions
        person_field.queryset = people

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not " ".join((data.get("full_name") or "").split()):
            raise forms.ValidationError(_("Choose a person or type a new name."))
        return data


class MapDateForm(forms.Form):
    """Pick the date whose map is drawn."""

    on = forms.DateField(
        label=_("Map of the date"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


class UnitListUploadForm(forms.Form):
    """Upload a list of units (XLSX or CSV)."""

    file = forms.FileField(
        label=_("List of units (XLSX or CSV)"),
        help_text=_(
            "Columns: ma, ten, ten_day_du, loai, ma_cap_tren, hieu_luc_tu, hieu_luc_den, "
            "dang_uy, dang_bo (the first row names them)."
        ),
    )
