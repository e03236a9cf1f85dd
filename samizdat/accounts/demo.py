"""The demo admin's TOTP device, so `make demo` can be signed into with `oathtool`."""

from __future__ import annotations

import os
from base64 import b32decode
from binascii import hexlify

from django.conf import settings
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from .factors import totp_secret

DEMO_USER = "admin"


def demo_totp_file():
    return settings.DATA_DIR / "demo-admin-totp"


def _write_private(path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.chmod(path, 0o600)


def ensure_demo_totp(username: str = DEMO_USER) -> TOTPDevice | None:
    """The demo admin's confirmed TOTP device, created once; its secret is kept (0600) in the
    data directory like the demo password, so re-runs print the same one."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return None
    path = demo_totp_file()
    device = TOTPDevice.objects.filter(user=user, confirmed=True, name="demo").first()
    if device is None:
        if path.exists():  # a fresh database in an old data directory: keep the secret
            secret = path.read_text().split()[0]
            key = hexlify(b32decode(secret)).decode()
            device = TOTPDevice.objects.create(user=user, name="demo", key=key, confirmed=True)
        else:
            device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    secret = totp_secret(device)
    if not path.exists() or path.read_text().split()[:1] != [secret]:
        _write_private(path, f"{secret}\n{device.config_url}\n")
    return device


def demo_admin_totp() -> str:
    device = ensure_demo_totp()
    if device is None:
        return ""
    secret = totp_secret(device)
    return (
        f"Admin second factor (TOTP): secret {secret}  (e.g. `oathtool --totp -b {secret}`)\n"
        f"  otpauth URI: {device.config_url}\n"
        f"  (kept in {demo_totp_file()})"
    )
