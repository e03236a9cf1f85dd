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


def ensure_admin(username: str, email: str, password: str) -> str:
    """Create the admin account if missing; never prompts. Returns what was done."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return "exists"
    User.objects.create_superuser(username=username, email=email, password=password)
    return "created"
