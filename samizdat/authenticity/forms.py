from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SignForm(forms.Form):
    """The passphrase is used for this one signature and never stored."""

    passphrase = forms.CharField(
        label=_("Passphrase of the signing key"),
        required=False,
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class OfflineSignatureForm(forms.Form):
    signature = forms.FileField(
        label=_("Signature file (statement.txt.minisig)"),
        help_text=_("Made with minisign -S on your own computer, from the file downloaded here."),
    )
    date = forms.CharField(widget=forms.HiddenInput, max_length=32)
