"""Forms of the questionnaire pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phieukin.core.errors import DomainError
from phieukin.core.uploads import HEAD_BYTES, MB, SIGNATURES, sniff, validate_upload

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
            if exc.code == "upload_type" and not _binary(upload):
                # Text in another encoding (UTF-16, Windows-1258): say what to do about it.
                raise forms.ValidationError(
                    _("The file is not UTF-8 text. Save it as UTF-8 and upload it again."),
                    code="not_utf8",
                ) from exc
            raise forms.ValidationError(str(exc.message), code=exc.code) from exc
        return upload


def _binary(upload: Any) -> bool:
    """Return whether *upload* is of a known kind other than text (PDF, images, ZIP, HTML)."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return any(head.startswith(prefixes) for prefixes in SIGNATURES.values()) or (
        sniff(head) == "markup"
    )
