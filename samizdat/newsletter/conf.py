"""Newsletter settings with their defaults (the values come from samizdat/settings.py)."""

from __future__ import annotations

from django.conf import settings

from samizdat.core.ratelimit import Rate

RESUME_EVERY = 5  # seconds between looks for sends whose worker died
MAX_POST_BYTES = 16 * 1024
# The form's captcha token is bound to "statement 0": no statement has that id, so a comment
# form's token is never accepted here and the other way round.
CAPTCHA_BINDING = 0


def get(name: str, default):
    return getattr(settings, name, default)


def rate() -> float:
    """Mails per second a send may go out at (0 = as fast as the mail server takes them)."""
    return max(0.0, float(get("NEWSLETTER_RATE", 10)))


def batch_size() -> int:
    return max(1, int(get("NEWSLETTER_BATCH", 100)))


def confirm_days() -> int:
    return max(1, int(get("NEWSLETTER_CONFIRM_DAYS", 3)))


def manage_link_hours() -> int:
    return max(1, int(get("NEWSLETTER_MANAGE_HOURS", 24)))


def delivery_retention_days() -> int:
    return max(1, int(get("NEWSLETTER_DELIVERY_DAYS", 30)))


def _rate(value: str, default: Rate) -> Rate:
    """``"5/3600"`` (settings.py has checked it) → Rate; anything else → ``default``."""
    try:
        limit, window = (int(part) for part in str(value).split("/"))
    except (TypeError, ValueError):
        return default
    return Rate(limit, window) if limit >= 1 and window >= 1 else default


def subscribe_rate() -> Rate:
    """Subscription (and data-request) mails one client may ask for."""
    return _rate(get("NEWSLETTER_RATE_CLIENT", "5/3600"), Rate(5, 3600))


def attempt_rate() -> Rate:
    """Form posts of any kind from one client (a flood is answered 429)."""
    return _rate(get("NEWSLETTER_RATE_ATTEMPTS", "20/600"), Rate(20, 600))


def lease_seconds() -> float:
    """How long a claimed delivery may stay "sending" before its worker counts as dead.

    A live worker marks a delivery sent right after its SMTP transaction, which takes at most
    a few server timeouts; the pause between mails (the rate) comes on top.
    """
    timeout = float(get("EMAIL_TIMEOUT", 10) or 10)
    pause = 1 / rate() if rate() else 0
    return 3 * timeout + 2 * pause + 5
