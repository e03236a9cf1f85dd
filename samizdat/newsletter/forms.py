"""The address form (subscribe and data request): email, honeypot, word captcha, timing.

The captcha, its one-time tokens and the timing rule are the comment form's (samizdat.discussion
.captcha / .spam), bound to :data:`conf.CAPTCHA_BINDING` instead of a statement.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samizdat import languages
from samizdat.discussion import captcha, spam
from samizdat.discussion.forms import CAPTCHA_ERRORS
from samizdat.discussion.text import strip_invisible

from . import conf

TOO_FAST = _("That was very fast. Please check the address and send again.")


class AddressForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("This email address does not look right."),
            "max_length": _("The email address is too long."),
        },
    )
    language = forms.ChoiceField(label=_("List"), required=False, choices=languages.choices)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    answer = forms.CharField(required=False, max_length=60)
    website = forms.CharField(required=False)  # the honeypot

    def __init__(self, data=None, *, check_captcha: bool = True, **kwargs):
        self.check_captcha = check_captcha
        if data is not None:
            data = data.copy()
            value = data.get("email")
            if isinstance(value, str):
                data["email"] = strip_invisible(value, multiline=False)[0].strip()
        super().__init__(data, **kwargs)

    @property
    def is_bot(self) -> bool:
        return spam.honeypot_filled(self.data.get("website"))

    def clean(self):
        data = super().clean()
        if not self.check_captcha:
            return data
        try:
            token = captcha.check(
                self.data.get("token", ""), conf.CAPTCHA_BINDING, self.data.get("answer", "")
            )
        except (captcha.TokenError, captcha.WrongAnswer) as error:
            self.add_error("answer", forms.ValidationError(CAPTCHA_ERRORS[error.code], error.code))
        else:
            if spam.too_fast(token.issued, token.min_seconds()):
                self.add_error(None, forms.ValidationError(TOO_FAST, code="too_fast"))
        return data

    def error_codes(self) -> set[str]:
        return {e.code or "" for errors in self.errors.as_data().values() for e in errors}
