"""Forms of the sign-in steps, the token page and the security page."""

from __future__ import annotations

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
