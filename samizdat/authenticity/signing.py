"""Signing statements as a deliberate act: never on save, only when an editor (or an operator
with ``samizdat sign``) asks, and a stored signature is shown only while it fits the text."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import keyring, minisign
from .canonical import TEXT_NAME, canonical_bytes, format_date
from .models import StatementSignature

log = logging.getLogger(__name__)

CURRENT, STALE, UNTRUSTED = "current", "stale", "untrusted"


class SigningError(minisign.MinisignError):
    """A signature that cannot be made or accepted; ``str()`` is fit for the editor."""


def statement_url(statement) -> str:
    """The absolute URL named in the trusted comment."""
    return settings.SITE_URL + statement.get_absolute_url()


def should_be_signed(statement) -> bool:
    """Published or scheduled (signed ahead: the signature is valid whenever it appears)."""
    return statement.is_released


def trusted_comment(statement, signed_at) -> str:
    return "\t".join(
        [
            f"timestamp:{int(signed_at.timestamp())}",
            f"file:{TEXT_NAME}",
            f"url:{statement_url(statement)}",
            f"date:{format_date(statement.published_at)}",
        ]
    )


def is_current(signature: StatementSignature | None, statement, text: bytes, key_id: str) -> bool:
    return (
        signature is not None
        and signature.text_sha256 == hashlib.sha256(text).hexdigest()
        and signature.key_id == key_id
        and signature.url == statement_url(statement)
    )


def signature_state(statement, signature: StatementSignature) -> tuple[str, str]:
    """(CURRENT | STALE | UNTRUSTED, reason): cheap enough for every page view (one hash, one
    ``stat`` of the keyring)."""
    if signature.text_sha256 != hashlib.sha256(
        canonical_bytes(statement)
    ).hexdigest() or signature.url != statement_url(statement):
        return STALE, "the statement was changed after it was signed"
    entry = keyring.find(signature.key_id)
    if entry is None:
        return UNTRUSTED, f"key {signature.key_id} is not in the site's keyring"
    trusted, reason = entry.trusts(signature.signed_at)
    return (CURRENT, "") if trusted else (UNTRUSTED, reason)


def publication_date(statement, publish: bool, now: datetime | None = None) -> datetime | None:
    """The ``Date`` the signed text will carry: publishing now (as "Publish now" does) or the
    statement's own time when it is re-signed."""
    now = (now or timezone.now()).replace(microsecond=0)
    if publish and (statement.published_at is None or statement.published_at > now):
        return now
    return statement.published_at


def store_signature(statement, text: bytes, sig: minisign.Signature) -> StatementSignature:
    signature = StatementSignature.objects.filter(statement_id=statement.pk).first()
    signature = signature or StatementSignature(statement_id=statement.pk)
    signature.text = text.decode("utf-8")
    signature.text_sha256 = hashlib.sha256(text).hexdigest()
    signature.minisig = sig.to_file().decode("utf-8")
    signature.key_id = sig.key_id_hex
    signature.url = statement_url(statement)
    signature.signed_at = timezone.now()
    signature.save()
    return signature


def publish_signed(
    statement, text: bytes, sig: minisign.Signature, *, publish: bool, date, actor=None
) -> StatementSignature:
    """Publish (``publish=True``) and store the signature in one transaction, or neither.

    The caller has verified ``sig`` over ``text``; here ``text`` is checked once more against
    the statement as it is being published, so nothing is published with a signature that
    does not fit. Publishing goes through ``publishing.lifecycle.publish`` (its signal is sent
    after the commit, i.e. only when the signature was stored too).
    """
    from django.core.exceptions import ValidationError

    from samizdat.publishing import lifecycle
    from samizdat.publishing.models import Statement

    with transaction.atomic():
        locked = (
            Statement.objects.select_for_update().select_related("section").get(pk=statement.pk)
        )
        if publish:
            locked.status = Statement.Status.PUBLISHED
            locked.published_at = date
        elif not should_be_signed(locked):
            raise SigningError(_("the statement is not published: use “Publish and sign”"))
        if canonical_bytes(locked) != text:
            raise SigningError(
                _("the signed text is not the statement's text (was it edited meanwhile?)")
            )
        if publish:
            try:
                lifecycle.publish(locked, actor=actor, at=date)
            except ValidationError as exc:
                raise SigningError("; ".join(exc.messages)) from None
        signature = store_signature(locked, text, sig)
    statement.status, statement.published_at = locked.status, locked.published_at
    return signature


def sign_with_key(statement, key: minisign.SecretKey, *, publish: bool, actor=None):
    """The online way: sign the text as it will be published, then publish_signed."""
    date = publication_date(statement, publish)
    if date is None:
        raise SigningError(_("the statement has no publication time"))
    statement.published_at = date
    text = canonical_bytes(statement)
    now = timezone.now()
    sig = key.sign(text, trusted_comment(statement, now), f"signature from samizdat key {key.id}")
    return publish_signed(statement, text, sig, publish=publish, date=date, actor=actor)


def sign_statement(statement, key: minisign.SecretKey, force: bool = False) -> bool:
    """(Re)sign a published/scheduled ``statement`` unless its signature is current."""
    text = canonical_bytes(statement)
    existing = StatementSignature.objects.filter(statement_id=statement.pk).first()
    if not force and is_current(existing, statement, text, key.id):
        return False
    sig = key.sign(
        text, trusted_comment(statement, timezone.now()), f"signature from samizdat key {key.id}"
    )
    store_signature(statement, text, sig)
    return True


def signable_statements():
    from samizdat.publishing.models import Statement

    return Statement.objects.released().select_related("section").order_by("pk")


def sign_all(key: minisign.SecretKey, statements: Iterable, force: bool = False) -> tuple[int, int]:
    """Sign every statement given; return (signed, already current)."""
    signed = unchanged = 0
    for statement in statements:
        if sign_statement(statement, key, force=force):
            signed += 1
        else:
            unchanged += 1
    return signed, unchanged
