"""Offline signing: the secret key stays on the editor's computer.

The admin hands out the exact text to sign (canonical.py, with the publication time fixed at
download) and a ``minisign -S`` command line; the uploaded ``.minisig`` is accepted only if it
verifies with the site's current public key over exactly that text and its trusted comment
names this statement's URL and date.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from . import keys, minisign
from .canonical import TEXT_NAME, canonical_bytes, format_date
from .signing import SigningError, publication_date, publish_signed, statement_url

MAX_SIGNATURE_BYTES = 4096  # a .minisig is about 300 bytes plus the trusted comment
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class OfflineRequest:
    """What the editor signs: the text with a fixed ``Date``, and the comment it must carry."""

    text: bytes
    date: datetime
    url: str

    @property
    def date_text(self) -> str:
        return format_date(self.date)

    @property
    def trusted_comment(self) -> str:
        return f"file:{TEXT_NAME} url:{self.url} date:{self.date_text}"

    def command(self, secret_key: str = "samizdat.key") -> str:
        return (
            f"minisign -S -s {shlex.quote(secret_key)} -m {TEXT_NAME} "
            f"-t {shlex.quote(self.trusted_comment)}"
        )


def parse_date(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        raise SigningError(_("the publication time of the form is not valid")) from None


def offline_request(statement, publish: bool, date: datetime | None = None) -> OfflineRequest:
    """The text to sign. ``date`` is the time fixed when the text was downloaded."""
    if date is None:
        date = publication_date(statement, publish)
        if date is None:
            raise SigningError(_("the statement has no publication time"))
    original = statement.published_at
    try:
        statement.published_at = date
        return OfflineRequest(canonical_bytes(statement), date, statement_url(statement))
    finally:
        statement.published_at = original


def comment_fields(comment: str) -> dict[str, str]:
    """``name:value`` words of a trusted comment (separated by spaces or tabs)."""
    fields = {}
    for word in comment.split():
        name, sep, value = word.partition(":")
        if sep:
            fields.setdefault(name, value)
    return fields


def check_signature(statement, upload: bytes, request: OfflineRequest) -> minisign.Signature:
    """Parse and verify an uploaded ``.minisig``; raise SigningError saying what is wrong."""
    if len(upload) > MAX_SIGNATURE_BYTES:
        raise SigningError(_("this file is too large to be a minisign signature"))
    try:
        upload.decode("utf-8")
    except UnicodeDecodeError:
        raise SigningError(_("this is not a minisign signature file (not text)")) from None
    try:
        sig = minisign.Signature.from_file(upload)
    except minisign.FormatError as exc:
        raise SigningError(
            _("this is not a usable minisign signature file: %(error)s") % {"error": exc}
        ) from None
    site = keys.site_public_key()
    if site is None:
        raise SigningError(_("the site has no public key to check the signature against"))
    try:
        comment = site.key.verify(request.text, sig)
    except minisign.VerificationError as exc:
        if sig.key_id != site.key.key_id:
            raise SigningError(
                _("the signature was made with key %(other)s, not with the site's key %(key)s")
                % {"other": sig.key_id_hex, "key": site.id}
            ) from None
        if "trusted comment" in str(exc):
            raise SigningError(_("the trusted comment of the signature was altered")) from None
        raise SigningError(
            _(
                "the signature does not match this statement's text: sign the file downloaded "
                "from this page, unchanged"
            )
        ) from None
    fields = comment_fields(comment)
    if fields.get("url") != request.url or fields.get("date") != request.date_text:
        raise SigningError(
            _("the trusted comment must name this statement: %(wanted)s (it says: %(comment)s)")
            % {"wanted": f"url:{request.url} date:{request.date_text}", "comment": comment}
        )
    return sig


def accept_offline_signature(
    statement, upload: bytes, *, publish: bool, date_text: str, actor=None
):
    """Verify the upload, then publish and store it in one transaction (signing.publish_signed)."""
    date = parse_date(date_text)
    if publish and date > timezone.now() + CLOCK_SKEW:
        raise SigningError(_("the publication time lies in the future"))
    if not publish and (
        statement.published_at is None or format_date(statement.published_at) != date_text
    ):
        raise SigningError(
            _(
                "the statement's publication time changed since the text was downloaded: "
                "download it again"
            )
        )
    request = offline_request(statement, publish, date)
    sig = check_signature(statement, upload, request)
    return publish_signed(statement, request.text, sig, publish=publish, date=date, actor=actor)
