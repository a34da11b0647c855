"""Forms of the round pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phieukin.core.numbers import MAX_COUNT
from phieukin.questionnaires.models import Questionnaire
from phieukin.rounds.models import DoubleMarkPolicy
from phieukin.units.models import PositionType, Unit


def _ward_label(unit: Unit) -> str:
    return unit.name


class RoundForm(forms.Form):
    """Create a round: questionnaire, wards, positions, anonymity, flag and validity rules."""

    title = forms.CharField(label=_("Title"), max_length=120, help_text=_("e.g. Đợt II/2026"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(label=_("Number in the year"), min_value=1, max_value=12)
    questionnaire = forms.ModelChoiceField(
        queryset=Questionnaire.objects.all(), label=_("Questionnaire")
    )
    wards = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(), label=_("Wards"), widget=forms.CheckboxSelectMultiple
    )
    position_types = forms.ModelMultipleChoiceField(
        queryset=PositionType.objects.all(),
        label=_("Positions evaluated"),
        widget=forms.CheckboxSelectMultiple,
    )
    conference_date = forms.DateField(
        label=_("Conference date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    k_threshold = forms.IntegerField(
        label=_("Minimum ballots for any figure (k)"), min_value=3, max_value=100, initial=5
    )
    k_comments = forms.IntegerField(
        label=_("Minimum ballots before comments are shown"),
        min_value=3,
        max_value=100,
        initial=8,
    )
    flag_low_share = forms.DecimalField(
        label=_("Flag an item when low ratings reach this share (0–1)"),
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        decimal_places=3,
        initial=Decimal("0.200"),
    )
    flag_mean_below = forms.DecimalField(
        label=_("Flag an item when its mean score is below"),
        min_value=Decimal("0"),
        max_value=Decimal("10"),
        decimal_places=2,
        initial=Decimal("3.00"),
    )
    flag_analogy = forms.BooleanField(
        label=_("Also show the QĐ 96 analogy flags (> 50%, ≥ 2/3 low ratings)"),
        required=False,
        initial=True,
    )
    blank_ballot_invalid = forms.BooleanField(
        label=_("A blank ballot is invalid"), required=False, initial=True
    )
    double_mark_policy = forms.ChoiceField(
        label=_("Two marks on one item"),
        choices=DoubleMarkPolicy.choices,
        initial=DoubleMarkPolicy.UNANSWERED,
    )
    target_participation = forms.DecimalField(
        label=_("Target participation (0–1)"),
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        decimal_places=3,
        initial=Decimal("0.900"),
    )
    plan_number = forms.CharField(
        label=_("Plan carried out: number and symbol"),
        max_length=64,
        required=False,
        help_text=_("e.g. 104-KH/QU; every report opens “Thực hiện Kế hoạch số … ngày … của …”"),
    )
    plan_date = forms.DateField(
        label=_("Plan carried out: date"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    plan_issuer = forms.CharField(
        label=_("Plan carried out: issued by"),
        max_length=200,
        required=False,
        help_text=_("e.g. Ban Thường vụ Quận ủy Long Biên; the organising committee when empty"),
    )

    def __init__(self, *args: Any, wards: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ward_field = self.fields["wards"]
        assert isinstance(ward_field, forms.ModelMultipleChoiceField)
        ward_field.queryset = wards
        ward_field.label_from_instance = _ward_label  # type: ignore[assignment]
        today = dt.date.today()
        self.fields["year"].initial = today.year
        self.fields["conference_date"].initial = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        k, kc = data.get("k_threshold"), data.get("k_comments")
        if k is not None and kc is not None and kc < k:
            self.add_error("k_comments", _("The comment threshold must be at least k."))
        if data.get("plan_number") and not data.get("plan_date"):
            self.add_error("plan_date", _("Give the date of the plan as well as its number."))
        return data


class RoundEditForm(forms.Form):
    """Change a draft round: title, number, anonymity and flag thresholds, target."""

    title = RoundForm.base_fields["title"]
    year = RoundForm.base_fields["year"]
    number = RoundForm.base_fields["number"]
    k_threshold = RoundForm.base_fields["k_threshold"]
    k_comments = RoundForm.base_fields["k_comments"]
    flag_low_share = RoundForm.base_fields["flag_low_share"]
    flag_mean_below = RoundForm.base_fields["flag_mean_below"]
    target_participation = RoundForm.base_fields["target_participation"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        k, kc = data.get("k_threshold"), data.get("k_comments")
        if k is not None and kc is not None and kc < k:
            self.add_error("k_comments", _("The comment threshold must be at least k."))
        return data


class RemoveWardForm(forms.Form):
    """Why a ward is dropped from a round (kept in the audit log)."""

    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"), max_length=300, required=False
    )


class AttendanceForm(forms.Form):
    """Record how many were invited to and present at a conference."""

    invited = forms.IntegerField(label=_("Invited"), min_value=0, max_value=MAX_COUNT)
    present = forms.IntegerField(label=_("Present"), min_value=0, max_value=MAX_COUNT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        invited, present = data.get("invited"), data.get("present")
        if invited is not None and present is not None and present > invited:
            self.add_error("present", _("Present cannot exceed invited."))
        return data


class RoundPlanForm(forms.Form):
    """The plan a round carries out, printed at the head of every report."""

    plan_number = forms.CharField(
        label=_("Number and symbol of the plan"),
        max_length=64,
        required=False,
        help_text=_("e.g. 104-KH/QU"),
    )
    plan_date = forms.DateField(
        label=_("Date of the plan"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    plan_issuer = forms.CharField(
        label=_("Issued by"),
        max_length=200,
        required=False,
        help_text=_("e.g. Ban Thường vụ Quận ủy Long Biên; the organising committee when empty"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("plan_number") and not data.get("plan_date"):
            self.add_error("plan_date", _("Give the date of the plan as well as its number."))
        return data


class ConferenceDetailsForm(forms.Form):
    """Venue, time, chair, secretary and counting committee present (for the minutes)."""

    place = forms.CharField(label=_("Venue"), max_length=200, required=False)
    starts_at = forms.TimeField(
        label=_("Starting time"),
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )
    chair = forms.CharField(
        label=_("Chair of the conference (full name)"), max_length=128, required=False
    )
    secretary = forms.CharField(
        label=_("Secretary of the conference (full name)"), max_length=128, required=False
    )
    committee = forms.CharField(
        label=_("Counting committee members present (full names)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One full name a line, the head of the committee first. The minutes print one "
            "signature block for each."
        ),
    )

    def clean_committee(self) -> list[str]:
        text = str(self.cleaned_data.get("committee") or "")
        names = [" ".join(line.split()) for line in text.splitlines()]
        names = [n for n in names if n]
        if len(names) > 15:
            raise forms.ValidationError(_("A counting committee has at most 15 members."))
        if any(len(n) > 128 for n in names):
            raise forms.ValidationError(_("A full name has at most 128 characters."))
        return names
