"""Discussion settings with their defaults (the values come from samizdat/settings.py)."""

from __future__ import annotations

from django.conf import settings

from samizdat.core.ratelimit import Rate

MAX_TEXT_LENGTH = 5000
MAX_NAME_LENGTH = 100
MAX_DEPTH = 3  # a top-level comment has depth 0; replies go at most to depth 2
# Comment POSTs are small; anything larger is refused before the body is read.
MAX_POST_BYTES = 128 * 1024


def parse_rate(value: str, default: Rate) -> Rate:
    """Parse ``"5/600"``; a malformed or non-positive value falls back to ``default``."""
    try:
        limit, window = (int(part) for part in str(value).split("/"))
    except (TypeError, ValueError):
        return default
    if limit < 1 or window < 1:
        return default
    return Rate(limit, window)


def get(name: str, default):
    return getattr(settings, name, default)


def close_after_days() -> int:
    return max(0, int(get("COMMENTS_CLOSE_AFTER_DAYS", 0)))


def ip_retention_days() -> int:
    return max(1, int(get("COMMENT_IP_RETENTION_DAYS", 30)))


def min_seconds() -> int:
    return max(0, int(get("COMMENT_MIN_SECONDS", 5)))


def token_max_age() -> int:
    return max(60, int(get("COMMENT_TOKEN_MAX_AGE", 4 * 3600)))


def max_links() -> int:
    return max(0, int(get("COMMENT_MAX_LINKS", 2)))


def moderate_first() -> bool:
    return bool(get("COMMENT_MODERATE_FIRST", True))


def moderate_all() -> bool:
    return bool(get("COMMENT_MODERATE_ALL", False))


def client_rate() -> Rate:
    return parse_rate(get("COMMENT_RATE_CLIENT", "5/600"), Rate(5, 600))


def attempt_rate() -> Rate:
    return parse_rate(get("COMMENT_RATE_ATTEMPTS", "20/600"), Rate(20, 600))


def statement_rate() -> Rate:
    return parse_rate(get("COMMENT_RATE_STATEMENT", "30/3600"), Rate(30, 3600))


def threads_per_page() -> int:
    return max(1, int(get("COMMENT_THREADS_PER_PAGE", 50)))
