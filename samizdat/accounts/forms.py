"""The admin's password form with throttling, and the second-factor forms."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import audit, throttle


def refusal(verdict) -> ValidationError:
    if verdict.locked:
        return ValidationError(
            _(
                "Too many failed attempts: signing in is locked for now. "
                "An administrator can lift the lockout."
            ),
            code="locked",
        )
    return ValidationError(
        _("Too many failed attempts. Try again in %(seconds)s s."),
        code="throttled",
        params={"seconds": verdict.retry_after},
    )


def password_keys(request, username: str) -> dict[str, str]:
    return {"account": throttle.account_key(username), "address": throttle.address_key(request)}


def existing_account(username: str):
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


class ThrottledAuthenticationForm(AdminAuthenticationForm):
    """Refuses (without checking the password) while the name or the address must wait.

    The answers are the same whether or not the account exists: the counters are keyed by the
    name typed. Failures are audited against the account only when it exists; a name that is no
    account here is not recorded at all (people type their password into the name field).
    """

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()
        keys = password_keys(self.request, username)
        verdict = throttle.check("password", keys)
        if not verdict.allowed:
            audit.record(
                "signin.refused",
                obj=existing_account(username),
                stage="password",
                reason="locked" if verdict.locked else "throttled",
            )
            raise refusal(verdict)
        try:
            cleaned = super().clean()
        except ValidationError:
            account = existing_account(username)
            audit.record("signin.failed", obj=account, stage="password")
            for lockout in throttle.fail("password", keys, user=account):
                audit.record("lockout.started", obj=lockout.user, scope=lockout.scope)
            raise
        throttle.succeed("password", keys)
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()
