"""Forms of the criteria pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phieukin.criteria.models import CriteriaSet, Criterion
from phieukin.units.models import Person, Unit


class UploadForm(forms.Form):
    """Upload a criteria set as YAML or XLSX."""

    file = forms.FileField(
        label=_("Criteria file (YAML or XLSX)"),
        help_text=_(
            "A .yaml file in the format of the sample set, or a workbook with the sheets "
            "“Bộ tiêu chí”, “Mức xếp loại” and “Tiêu chí”."
        ),
    )


class CommitmentForm(forms.Form):
    """Record an official's commitment for a year."""

    person = forms.ModelChoiceField(label=_("Official"), queryset=Person.objects.none())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    criteria_set = forms.ModelChoiceField(
        label=_("Criteria set"), queryset=CriteriaSet.objects.none()
    )
    position_title = forms.CharField(label=_("Position"), max_length=200, required=False)
    pledge = forms.CharField(
        label=_("Pledge"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, people: Any, units: Any, sets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["criteria_set"].queryset = sets  # type: ignore[attr-defined]


class ScoresForm(forms.Form):
    """One score per criterion (0 … its maximum) and a comment."""

    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(
        self,
        *args: Any,
        criteria: list[Criterion],
        required: bool = True,
        comment_label: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.key}. {criterion.text}",
                min_value=0,
                max_value=criterion.max_score,
                required=required,
            )
        if comment_label is not None:
            self.fields["comment"].label = comment_label

    def scores(self) -> dict[str, int]:
        """Return the entered scores by criterion key."""
        out: dict[str, int] = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(f"score_{criterion.pk}")
            if value is not None:
                out[criterion.key] = int(value)
        return out

    def score_fields(self) -> list[tuple[Criterion, Any]]:
        """Return each criterion with its bound field, for the template."""
        return [(c, self[f"score_{c.pk}"]) for c in self.criteria]


class QuarterForm(forms.Form):
    """Pick a year and quarter."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), choices=[(q, q) for q in (1, 2, 3, 4)], coerce=int
    )
