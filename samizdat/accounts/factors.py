"""Second factors: TOTP enrolment, recovery codes, verification, reset (plain functions)."""

from __future__ import annotations

import base64
import re

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import audit, throttle
from .sessions import end_sessions

RECOVERY_CODES = 10
TOTP_RE = re.compile(r"^\d{6}$")


def otp_keys(request) -> dict[str, str]:
    return {
        "account": throttle.keyed("otp-account", str(request.user.pk)),
        "address": throttle.address_key(request),
    }


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (one per account, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps and ``oathtool -b`` take it."""
    return base64.b32encode(device.bin_key).decode()


def qr_svg(text: str) -> str:
    """An inline SVG QR code (no script, no style attribute: fine under a strict CSP)."""
    return segno.make(text, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff")


def make_recovery_codes(user) -> list[str]:
    """Replace the account's recovery codes with new ones; return them (shown once)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def has_recovery_codes(user) -> bool:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()


def has_passkey(user) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def is_enrolled(user) -> bool:
    return user_has_device(user, confirmed=True)


def matching_device(user, code: str):
    """The device that accepts ``code`` (6 digits: TOTP; otherwise a recovery code), or None.

    django-otp refuses a TOTP code at or before the last one accepted (so a replayed code, or
    one from the previous window reused, fails) and throttles each device by itself too.
    """
    kind = TOTPDevice if TOTP_RE.match(code) else StaticDevice
    # for_verify locks the device rows (select_for_update): two requests with the same code
    # cannot both pass. That needs a transaction (PostgreSQL refuses it outside one).
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, kind) and device.verify_token(code):
                return device
    return None


def second_factor_passed(request, device, method: str) -> None:
    """Mark the session verified, give it a new key, and audit the sign-in."""
    otp_login(request, device)
    request.session.cycle_key()
    throttle.succeed("otp", otp_keys(request))
    audit.record("signin.success", actor=request.user, request=request, method=method)


def _throttled(request, stage: str) -> dict[str, str]:
    """The second factor's throttle keys; raises the refusal while the account must wait."""
    from .forms import refusal

    keys = otp_keys(request)
    verdict = throttle.check("otp", keys)
    if not verdict.allowed:
        audit.record("signin.refused", stage=stage, reason="throttled")
        raise refusal(verdict)
    return keys


def _failed(request, keys, action: str, stage: str) -> None:
    audit.record(action, stage=stage)
    for lockout in throttle.fail("otp", keys, user=request.user):
        audit.record("lockout.started", obj=lockout.user, scope=lockout.scope)


def pass_with_code(request, code: str) -> str:
    """The second step with a TOTP or recovery code; returns the method, or raises a
    ValidationError that says why not (throttled, or the code is not valid)."""
    method = "totp" if TOTP_RE.match(code) else "recovery"
    keys = _throttled(request, method)
    device = matching_device(request.user, code)
    if device is None:
        _failed(request, keys, "signin.failed", method)
        raise ValidationError(
            _(
                "This code is not valid: it is wrong, expired or already used. "
                "Wait for the next code and try again."
            ),
            code="invalid",
        )
    second_factor_passed(request, device, method)
    return method


def enrol_totp(request, device: TOTPDevice, code: str) -> None:
    """Confirm a new TOTP device with its first code; the session is verified by it."""
    keys = _throttled(request, "totp-enrolment")
    if not device.verify_token(code):
        _failed(request, keys, "2fa.enrolment_failed", "totp")
        raise ValidationError(
            _("This code is not valid. Check the clock of your device and try again."),
            code="invalid",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record("2fa.enrolled", actor=request.user, method="totp")
    otp_login(request, device)
    request.session.cycle_key()


def reset_devices(user, *, by) -> int:
    """Remove every second factor of ``user`` and end all its sessions (audited)."""
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
            count, _ = model.objects.filter(user=user).delete()
            removed += count
        ended = end_sessions(user)
        audit.record("2fa.reset", actor=by, obj=user, devices=removed, sessions_ended=ended)
    return removed


def session_device_id(request) -> str | None:
    return request.session.get(DEVICE_ID_SESSION_KEY)
