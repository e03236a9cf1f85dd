"""Anti-spam layers, each a small function; :func:`verdict` combines the content rules.

Layers that *refuse* a post (nothing is saved, the reader gets a clear error and a fresh
challenge): the captcha token (see captcha.py), the minimum time, the rate limits. Layers that
*hold* a post (saved as pending, with the reason): links, blocklist "hold" terms, first comment
of an unknown author. Layers that *bin* a post (saved as spam, the sender is told it awaits
moderation): the honeypot and blocklist "spam" terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from samizdat.core.ratelimit import hit_rate, over_rate  # noqa: F401 (re-exported)

from . import captcha, conf
from .models import BlockedTerm, Comment, Reason
from .text import count_links, link_hosts


def honeypot_filled(value: str | None) -> bool:
    """The hidden field people never see; anything in it means a form-filling robot."""
    return bool((value or "").strip())


def too_fast(issued: float, min_seconds: int, now: float | None = None) -> bool:
    """Submitted sooner after the form was rendered than a person can read and type."""
    return ((captcha.now() if now is None else now) - issued) < min_seconds


def too_many_links(name: str, text: str, max_links: int) -> bool:
    return count_links(name) + count_links(text) > max_links


def _fold(value: str) -> str:
    return value.casefold().replace("ё", "е")


def blocklist_matches(
    name: str, text: str, email: str, terms: Iterable[BlockedTerm]
) -> list[BlockedTerm]:
    """Blocked words (whole words, any case) in name or text; blocked domains in links/email."""
    words = _fold(f"{name}\n{text}")
    hosts = link_hosts(f"{name}\n{text}")
    if "@" in email:
        hosts.append(email.rsplit("@", 1)[1].lower())
    hosts = [h.removeprefix("www.") for h in hosts]
    matched = []
    for term in terms:
        needle = _fold(term.term.strip())
        if not needle:
            continue
        if term.kind == BlockedTerm.Kind.DOMAIN:
            domain = needle.removeprefix("www.").strip(".")
            if any(h == domain or h.endswith("." + domain) for h in hosts):
                matched.append(term)
        elif re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", words):
            matched.append(term)
    return matched


def is_known_author(author_key_hash: str) -> bool:
    """Has this browser's author key (from the signed cookie set with the author's own earlier
    comment) an approved comment? An email address alone never counts: anyone can type one."""
    return bool(author_key_hash) and (
        Comment.objects.approved().filter(author_key_hash=author_key_hash).exists()
    )


@dataclass
class Verdict:
    status: str
    reasons: list[str] = field(default_factory=list)


def verdict(
    *,
    honeypot: str,
    name: str,
    text: str,
    email: str,
    known_author: bool,
    terms: Iterable[BlockedTerm],
) -> Verdict:
    """Approve, hold or bin a comment that passed the captcha, timing and rate limits."""
    reasons: list[str] = []
    spam = honeypot_filled(honeypot)
    if spam:
        reasons.append(Reason.HONEYPOT)
    for term in blocklist_matches(name, text, email, terms):
        if term.action == BlockedTerm.Action.SPAM:
            spam = True
            reasons.append(Reason.BLOCKLIST_SPAM)
        else:
            reasons.append(Reason.BLOCKLIST)
    if too_many_links(name, text, conf.max_links()):
        reasons.append(Reason.LINKS)
    if conf.moderate_first() and not known_author:
        reasons.append(Reason.FIRST)
    if conf.moderate_all():
        reasons.append(Reason.MODERATE_ALL)
    reasons = [str(r) for r in dict.fromkeys(reasons)]
    if spam:
        return Verdict(Comment.Status.SPAM, reasons)
    return Verdict(Comment.Status.PENDING if reasons else Comment.Status.APPROVED, reasons)
