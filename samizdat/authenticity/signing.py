"""Signing statements: on save when a key is usable, or all at once (``samizdat sign``)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import keys, minisign
from .canonical import TEXT_NAME, canonical_bytes, format_date
from .models import StatementSignature

log = logging.getLogger(__name__)


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


def sign_statement(statement, key: minisign.SecretKey, force: bool = False) -> bool:
    """(Re)sign ``statement`` unless its stored signature is current; True if it signed."""
    text = canonical_bytes(statement)
    existing = StatementSignature.objects.filter(statement_id=statement.pk).first()
    if not force and is_current(existing, statement, text, key.id):
        return False
    now = timezone.now()
    sig = key.sign(text, trusted_comment(statement, now), f"signature from samizdat key {key.id}")
    signature = existing or StatementSignature(statement_id=statement.pk)
    signature.text = text.decode("utf-8")
    signature.text_sha256 = hashlib.sha256(text).hexdigest()
    signature.minisig = sig.to_file().decode("utf-8")
    signature.key_id = key.id
    signature.url = statement_url(statement)
    signature.signed_at = now
    signature.save()
    return True


def drop_stale_signature(statement) -> int:
    """Remove a signature whose text no longer matches the statement; return how many."""
    sha = hashlib.sha256(canonical_bytes(statement)).hexdigest()
    deleted, _ = (
        StatementSignature.objects.filter(statement_id=statement.pk)
        .exclude(text_sha256=sha)
        .delete()
    )
    if deleted:
        log.warning(
            "Statement %s changed but no signing key is usable: its old signature was "
            "removed; run `samizdat sign --all` with the key's passphrase.",
            statement.pk,
        )
    return deleted


def update_signature(statement) -> None:
    """The post-save step: sign if possible, else make sure nothing stale is served."""
    if not should_be_signed(statement):
        return
    key = keys.signing_key()
    if key is None and not keys.public_key_path().exists():
        return  # no key was ever made here: nothing to sign, nothing stale
    try:
        with transaction.atomic():
            if key is not None:
                sign_statement(statement, key)
            else:
                drop_stale_signature(statement)
    except Exception:  # saving the statement must never fail because of its signature
        log.exception("Could not sign statement %s; it stays unsigned", statement.pk)


def on_statement_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        update_signature(instance)


def on_section_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """A renamed section changes the canonical text of its statements."""
    if raw or not keys.public_key_path().exists():
        return
    for statement in instance.statements.released().select_related("section"):
        update_signature(statement)


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
