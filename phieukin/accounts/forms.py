"""Forms of the sign-in steps, the token page and the security page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phieukin.accounts.services import MAX_TOKEN_DAYS


class SecondFactorForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code"),
        max_length=16,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("Six digits from the authenticator app, or one of your backup codes."),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=MAX_TOKEN_DAYS, initial=90
    )


class CommitteeMemberForm(forms.Form):
    """A new member of a ward's counting committee."""

    ward = forms.ChoiceField(label=_("Ward"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    username = forms.RegexField(
        label=_("Sign-in name"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and . @ + - _ only, e.g. kiemphieu.lan"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args: Any, wards: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ward"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(w.pk), str(w)) for w in wards]
