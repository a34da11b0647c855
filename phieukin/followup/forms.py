"""Forms of the follow-through; they parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phieukin.followup.models import Area
from phieukin.followup.services import BODY_MAX, NAME_MAX


class ResponseForm(forms.Form):
    accepted = forms.CharField(
        label=_("What I take on board (tiếp thu)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    explained = forms.CharField(
        label=_("What I explain (giải trình)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )


class MeasureForm(forms.Form):
    item_text = forms.CharField(
        label=_("Shortcoming addressed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    action = forms.CharField(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.CharField(label=_("Responsible"), max_length=200)
    deadline = forms.DateField(
        label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    expected_result = forms.CharField(
        label=_("Expected result"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(
        label=_("Evidence (PDF, PNG or JPEG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the new version"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CultivationForm(forms.Form):
    """The plan's introduction and, per area, one commitment per line."""

    intro = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Area.choices:
            self.fields[f"area_{value}"] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("One commitment per line."),
            )

    def commitments(self) -> list[tuple[str, str]]:
        out = []
        for value, _label in Area.choices:
            for line in self.cleaned_data.get(f"area_{value}", "").splitlines():
                if line.strip():
                    out.append((value, line.strip()))
        return out


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Supervision note"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Public answer"), widget=forms.Textarea(attrs={"rows": 3}))


class FeedbackForm(forms.Form):
    """The public feedback form; ``website`` is the honeypot and stays empty for people."""

    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=NAME_MAX)
    body = forms.CharField(
        label=_("Your feedback"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    token = forms.CharField(widget=forms.HiddenInput)
