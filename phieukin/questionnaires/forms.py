"""Forms of the questionnaire pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    """Upload a questionnaire written in the YAML format."""

    file = forms.FileField(
        label=_("Questionnaire file (YAML)"),
        help_text=_("UTF-8 text in the format of the sample questionnaire."),
    )
