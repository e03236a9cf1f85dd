"""Signed links: confirm (expires), unsubscribe (never expires: old mails must keep working),
manage (the owner's own data: export and delete; expires within a day)."""

from __future__ import annotations

from django.core import signing

from . import conf

CONFIRM_SALT = "samizdat.newsletter.confirm"
UNSUBSCRIBE_SALT = "samizdat.newsletter.unsubscribe"
MANAGE_SALT = "samizdat.newsletter.manage"
MAX_TOKEN_LENGTH = 300


class BadToken(Exception):
    """``invalid`` (tampered, forged, for another purpose) or ``expired``."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _dumps(value, salt: str) -> str:
    return signing.dumps(value, salt=salt, compress=False)


def _loads(token: str, salt: str, max_age: int | None = None):
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise BadToken("invalid")
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken("expired") from None
    except signing.BadSignature:
        raise BadToken("invalid") from None


def _key(value) -> str:
    if isinstance(value, str) and 16 <= len(value) <= 40:
        return value
    raise BadToken("invalid")


def confirm_token(key: str) -> str:
    return _dumps(key, CONFIRM_SALT)


def read_confirm(token: str) -> str:
    return _key(_loads(token, CONFIRM_SALT, conf.confirm_days() * 86400))


def unsubscribe_token(key: str) -> str:
    return _dumps(key, UNSUBSCRIBE_SALT)


def read_unsubscribe(token: str) -> str:
    return _key(_loads(token, UNSUBSCRIBE_SALT))


def manage_token(key: str) -> str:
    """Names one subscription's random key, never the address (links end up in logs)."""
    return _dumps(key, MANAGE_SALT)


def read_manage(token: str) -> str:
    return _key(_loads(token, MANAGE_SALT, conf.manage_link_hours() * 3600))
