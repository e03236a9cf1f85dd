"""django-otp-webauthn's views, as a second factor only (no passwordless sign-in), throttled
like codes and audited; any failure is a JSON error with a clear message, never a 500."""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions, views

from . import audit, factors, throttle

log = logging.getLogger(__name__)


class Throttled(exceptions.OTPWebAuthnApiError):
    status_code = 429
    default_code = "throttled"


def _check_throttle(request) -> None:
    if not request.user.is_authenticated:
        raise exceptions.NotAuthenticated()
    verdict = throttle.check("otp", factors.otp_keys(request))
    if not verdict.allowed:
        audit.record("signin.refused", stage="passkey", reason="throttled")
        if verdict.locked:
            raise Throttled(_("Too many failed attempts: signing in is locked for now."))
        raise Throttled(
            _("Too many failed attempts. Try again in %(seconds)s s.")
            % {"seconds": verdict.retry_after}
        )


class FailSafe:
    """Unexpected errors (garbage bodies the library does not anticipate) become a 400."""

    stage = "passkey"

    def handle_exception(self, exc):
        if isinstance(exc, Throttled):
            return super().handle_exception(exc)
        if self.request.user.is_authenticated and self.count_failures:
            audit.record("signin.failed", stage=self.stage, reason=getattr(exc, "code", "error"))
            for lockout in throttle.fail("otp", factors.otp_keys(self.request)):
                audit.record("lockout.started", obj=lockout.user, scope=lockout.scope)
        if isinstance(exc, exceptions.UnprocessableEntity):  # signature, origin, challenge …
            exc.detail = _(
                "The passkey's answer was refused: it was made for another site or another "
                "sign-in. Reload the page and try again."
            )
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            return super().handle_exception(exc)
        log.warning("passkey request refused: %s", type(exc).__name__)
        return JsonResponse(
            {"detail": _("The passkey response could not be read."), "code": "malformed"},
            status=400,
        )


class BeginAuthentication(FailSafe, views.BeginCredentialAuthenticationView):
    count_failures = False

    def check_can_authenticate(self):
        _check_throttle(self.request)


class CompleteAuthentication(FailSafe, views.CompleteCredentialAuthenticationView):
    count_failures = True

    def check_can_authenticate(self):
        _check_throttle(self.request)

    def complete_auth(self, device):
        factors.second_factor_passed(self.request, device, "passkey")

    def get_success_url(self):
        return self.get_redirect_url() or reverse("admin:index")


class BeginRegistration(FailSafe, views.BeginCredentialRegistrationView):
    count_failures = False
    stage = "passkey-enrolment"


class CompleteRegistration(FailSafe, views.CompleteCredentialRegistrationView):
    count_failures = False
    stage = "passkey-enrolment"

    def post(self, *args, **kwargs):
        was_verified = self.request.user.is_verified()
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            audit.record("2fa.enrolled", actor=self.request.user, method="passkey")
            if not was_verified:
                self.request.session.cycle_key()
        return response


app_name = "otp_webauthn"
urlpatterns = [
    path(
        "registration/begin/",
        BeginRegistration.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        BeginAuthentication.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
