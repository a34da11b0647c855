"""Forms of the self-check pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phieukin.selfcheck.models import Checklist, ChecklistItem, Entry, FindingStatus
from phieukin.units.models import Unit

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class ChecklistImportForm(forms.Form):
    file = forms.FileField(label=_("Checklist file (YAML or XLSX)"))


class SessionForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    period = forms.CharField(label=_("Period"), max_length=16, help_text=_("e.g. 2023"))
    checklist = forms.ModelChoiceField(queryset=Checklist.objects.all(), label=_("Checklist"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    chaired_by = forms.CharField(label=_("Chaired by"), max_length=200, required=False)
    participants = forms.IntegerField(label=_("Participants"), min_value=0)
    speakers = forms.IntegerField(label=_("Speakers"), min_value=0)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class SessionUpdateForm(forms.Form):
    participants = forms.IntegerField(label=_("Participants"), min_value=0)
    speakers = forms.IntegerField(label=_("Speakers"), min_value=0)
    speaker_names = forms.CharField(
        label=_("Speakers (names)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    conclusion = forms.CharField(
        label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class IndividualForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200)
    role_title = forms.CharField(label=_("Position"), max_length=200, required=False)


class FindingForm(forms.Form):
    entry = forms.ModelChoiceField(
        queryset=Entry.objects.none(), label=_("Collective or individual")
    )
    item = forms.ModelChoiceField(queryset=ChecklistItem.objects.none(), label=_("Expression"))
    remedy = forms.CharField(label=_("Causes and remedy"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_by = forms.CharField(label=_("Followed up by"), max_length=200)
    due_on = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args: Any, entries: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries  # type: ignore[attr-defined]
        self.fields["item"].queryset = items  # type: ignore[attr-defined]


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FindingStatus.choices)
    note = forms.CharField(label=_("Follow-up note"), required=False, max_length=1000)
    done_on = forms.DateField(label=_("Done on"), widget=DATE, required=False)
