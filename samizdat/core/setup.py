"""First-run set-up shared by ``samizdat init`` and ``samizdat demo``."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings


def write_secret_key(path: Path) -> bool:
    """Create the secret key file with 0600 permissions; return False if it already existed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(50) + "\n")
    return True


def ensure_data_dir() -> Path:
    data_dir = Path(settings.DATA_DIR)
    for sub in ("", "media", "keys"):
        (data_dir / sub).mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir / "keys", 0o700)
    return data_dir


class WeakPassword(ValueError):
    """The admin password fails the site's password validators (the message says why)."""


def check_admin_password(username: str, email: str, password: str) -> None:
    """Apply AUTH_PASSWORD_VALIDATORS to the would-be admin; raise WeakPassword if refused."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    user = get_user_model()(username=username, email=email)
    try:
        with translation.override("en"):  # the console speaks English, like the rest of init
            validate_password(password, user)
    except ValidationError as exc:
        with translation.override("en"):
            raise WeakPassword(" ".join(str(m) for m in exc.messages)) from exc


def ensure_admin(username: str, email: str, password: str) -> str:
    """Create the admin account if missing; never prompts. Returns what was done."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return "exists"
    check_admin_password(username, email, password)
    User.objects.create_superuser(username=username, email=email, password=password)
    return "created"
