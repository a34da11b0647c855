"""Forms of the questionnaire pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phieukin.core.errors import DomainError
from phieukin.core.uploads import MB, validate_upload

MAX_QUESTIONNAIRE_BYTES = 1 * MB


class UploadForm(forms.Form):
    """Upload a questionnaire written in the YAML format."""

    file = forms.FileField(
        label=_("Questionnaire file (YAML)"),
        help_text=_("UTF-8 text in the format of the sample questionnaire."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            validate_upload(upload, kinds=("text",), max_bytes=MAX_QUESTIONNAIRE_BYTES)
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from exc
        return upload
