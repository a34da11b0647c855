"""Forms of the paper pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phieukin.core.numbers import MAX_COUNT
from phieukin.rounds.models import RespondentGroup, Subject

MAX_UPLOAD_FILES = 50


class PaperCountsForm(forms.Form):
    """How many paper ballots were issued and returned."""

    issued = forms.IntegerField(label=_("Paper ballots issued"), min_value=0, max_value=MAX_COUNT)
    returned = forms.IntegerField(
        label=_("Paper ballots returned"), min_value=0, max_value=MAX_COUNT
    )


class DoubleEntryForm(forms.Form):
    """Switch double entry on or off."""

    enabled = forms.BooleanField(label=_("Type every sheet twice"), required=False)


class SpotCheckForm(forms.Form):
    """The share of scanned sheets read without doubt that a member checks blind."""

    percent = forms.IntegerField(
        label=_("Share of scanned sheets checked at random (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("Enter a whole number from 0 to 100."),
            "invalid": _("Enter a whole number from 0 to 100."),
            "min_value": _("Enter a whole number from 0 to 100."),
            "max_value": _("Enter a whole number from 0 to 100."),
        },
    )


class EntryForm(forms.Form):
    """One typed sheet: the leader, the digits, the invalid key, the comment."""

    subject = forms.ModelChoiceField(queryset=Subject.objects.none(), label=_("Leader"))
    group = forms.ModelChoiceField(
        queryset=RespondentGroup.objects.none(),
        label=_("Respondent group"),
        required=False,
        empty_label=_("— not recorded —"),
    )
    sheet_label = forms.CharField(
        label=_("Sheet number"),
        max_length=32,
        required=False,
        help_text=_(
            "The sheet number printed at the foot of the sheet ('Sheet no. ABC-DEF'), so that "
            "both entries name the same sheet."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    keys = forms.CharField(
        label=_("Answers (one digit per item)"),
        max_length=80,
        required=False,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "autofocus": True,
                "spellcheck": "false",
                "class": "keys",
            }
        ),
    )
    invalid = forms.BooleanField(label=_("Invalid ballot"), required=False)
    comment = forms.CharField(
        label=_("Comment written on the sheet (transcribed)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        subjects: Any,
        groups: Any,
        double_entry: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        subject_field = self.fields["subject"]
        group_field = self.fields["group"]
        assert isinstance(subject_field, forms.ModelChoiceField)
        assert isinstance(group_field, forms.ModelChoiceField)
        subject_field.queryset = subjects
        group_field.queryset = groups
        if not groups.exists():
            del self.fields["group"]
        if double_entry:
            # The sheet number comes first on the paper and in the form: the cursor starts
            # there, and Tab leads on to the digits.
            self.fields["sheet_label"].required = True
            self.fields["sheet_label"].widget.attrs["autofocus"] = True
            self.fields["keys"].widget.attrs.pop("autofocus", None)
        else:
            del self.fields["sheet_label"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        keys = (data.get("keys") or "").strip()
        if not keys and not data.get("invalid"):
            raise forms.ValidationError(
                _("Type one digit per item, or * (or tick the box) for an invalid ballot.")
            )
        return data


COMMENT_CHOICES = [
    ("first", _("Take the comment of the first entry")),
    ("second", _("Take the comment of the second entry")),
    ("typed", _("Type the comment as it reads on the sheet")),
]


class ResolveForm(forms.Form):
    """The decided content of a sheet whose two entries differ.

    When the two typed comments differ, the resolver picks one of them or types it.
    """

    comment_from = forms.ChoiceField(
        label=_("Comment"),
        choices=COMMENT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )

    keys = forms.CharField(
        label=_("Answers as read on the paper sheet"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    invalid = forms.BooleanField(label=_("Invalid ballot"), required=False)
    comment = forms.CharField(
        label=_("Comment typed from the sheet"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, comments_differ: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if comments_differ:
            self.fields["comment_from"].required = True
            self.fields["comment_from"].initial = "first"
        else:
            # Both typists typed the same comment: it is kept as typed.
            del self.fields["comment_from"]
            del self.fields["comment"]


class VoidForm(forms.Form):
    """Why a paper sheet is set aside (counted in the reconciliation)."""

    reason = forms.CharField(label=_("Reason for voiding the sheet"), max_length=200)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    """Scans of paper ballots: PDF, PNG, JPEG or TIFF files."""

    files = MultipleFileField(label=_("Scan files (PDF, PNG, JPEG, TIFF)"))  # type: ignore[assignment]

    def clean_files(self) -> Any:
        files = self.cleaned_data["files"]
        if len(files) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(
                _("At most %(count)s files at a time.") % {"count": MAX_UPLOAD_FILES}
            )
        return files


class PrintForm(forms.Form):
    """How many printed ballots per leader."""

    copies = forms.IntegerField(
        label=_("Copies per leader"), min_value=1, max_value=2000, initial=50
    )
