"""Keyed hashes instead of personal data.

* The client address is stored only as an HMAC under a random key of the UTC day
  (samizdat.privacy.addresses), deleted when the day is over: hashes from different days cannot
  be linked, and once the key is gone no hash can be recomputed from any address. IPv6
  addresses are cut to their /64 network first (one subscriber usually owns a whole /64).
* A returning author is recognised only by a random key in a signed cookie that their own
  browser got with an earlier comment (typing someone's email proves nothing). The key's hash is
  stored on one approved comment at most: each time the author is recognised and the new comment
  is approved, the browser gets a fresh key and the old hash is erased, so the database never
  links one person's comments (see :func:`settle_author_key`).
* The email hash exists only on comments whose author asked for reply notifications, and is
  erased with the unsubscribe (see notifications.py).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets

from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

AUTHOR_COOKIE = "samizdat_commenter"
AUTHOR_COOKIE_SALT = "samizdat.discussion.author"
AUTHOR_COOKIE_MAX_AGE = 365 * 24 * 3600


def network_key(ip: str) -> str:
    """What is hashed: the IPv4 address, or the IPv6 /64 network; junk stays as typed."""
    try:
        address = ipaddress.ip_address(ip.strip().strip("[]"))
    except ValueError:
        return ip.strip()[:100]
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def ip_hash(ip: str, day: dt.date | None = None) -> str:
    """The day's keyed hash of the client's address (also the rate-limit key of the client)."""
    from samizdat.privacy.addresses import address_hash

    return address_hash(network_key(ip), day)


def email_hash(email: str) -> str:
    if not email:
        return ""
    return salted_hmac(
        "samizdat.discussion.email", email.strip().lower(), algorithm="sha256"
    ).hexdigest()


def author_key_hash(key: str) -> str:
    if not key:
        return ""
    return salted_hmac("samizdat.discussion.author-key", key, algorithm="sha256").hexdigest()


def read_author_key(request: HttpRequest) -> str:
    """The author key from the signed cookie, or "" when absent, forged or too old."""
    value = request.get_signed_cookie(
        AUTHOR_COOKIE, default="", salt=AUTHOR_COOKIE_SALT, max_age=AUTHOR_COOKIE_MAX_AGE
    )
    return value if isinstance(value, str) and 16 <= len(value) <= 64 else ""


def new_author_key() -> str:
    return secrets.token_urlsafe(24)


def set_author_cookie(response: HttpResponse, key: str, secure: bool) -> None:
    """SameSite=Strict: a cross-site form post never carries the trusted-author cookie."""
    response.set_signed_cookie(
        AUTHOR_COOKIE,
        key,
        salt=AUTHOR_COOKIE_SALT,
        max_age=AUTHOR_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Strict",
        secure=secure,
    )


def settle_author_key(comment, key: str) -> str:
    """Store the author key on a new comment and return the key the browser keeps.

    Approved: a fresh key, whose hash replaces every copy of the old one (so the old and the new
    comment are not linked). Held: the same key, so that approving this comment (or an earlier
    one) makes the author known; a browser without a key ("") gets its first. Spam: nothing is
    kept and no cookie is set ("").
    """
    from .models import Comment

    old_hash = author_key_hash(key)
    if comment.status == Comment.Status.SPAM:
        comment.author_key_hash = ""
        return ""
    if comment.status == Comment.Status.APPROVED or not key:
        key = new_author_key()
    if old_hash and comment.status == Comment.Status.APPROVED:
        Comment.objects.filter(author_key_hash=old_hash).update(author_key_hash="")
    comment.author_key_hash = author_key_hash(key)
    return key


def keep_one_author_key(comment) -> None:
    """After moderation: an approved comment keeps its key hash alone, others lose theirs."""
    from .models import Comment

    if not comment.author_key_hash:
        return
    if comment.status == Comment.Status.APPROVED:
        Comment.objects.approved().filter(author_key_hash=comment.author_key_hash).exclude(
            pk=comment.pk
        ).update(author_key_hash="")
    elif comment.status != Comment.Status.PENDING:
        Comment.objects.filter(pk=comment.pk).update(author_key_hash="")
        comment.author_key_hash = ""
