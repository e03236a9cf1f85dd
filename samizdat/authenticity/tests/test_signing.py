"""Signatures made on save: when, with which key, and never failing the save."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from samizdat.authenticity import keys
from samizdat.authenticity.canonical import canonical_bytes
from samizdat.authenticity.minisign import Signature
from samizdat.authenticity.models import StatementSignature
from samizdat.publishing.models import Statement


def _check(statement) -> str:
    """Verify the stored signature over the stored text with the site's public key."""
    stored = StatementSignature.objects.get(statement=statement)
    assert stored.text.encode() == canonical_bytes(statement)
    return keys.site_public_key().key.verify(
        stored.text.encode(), Signature.from_file(stored.minisig)
    )


def test_publishing_signs_with_url_and_date_in_the_trusted_comment(site_key, make_statement):
    statement = make_statement(title="Подписано")
    comment = _check(statement)
    fields = dict(part.split(":", 1) for part in comment.split("\t"))
    assert fields["url"] == "http://testserver" + statement.get_absolute_url()
    assert fields["date"] == statement.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert fields["file"] == "statement.txt"
    assert StatementSignature.objects.get(statement=statement).key_id == site_key.id


def test_unchanged_save_keeps_the_signature_a_change_resigns(site_key, make_statement):
    statement = make_statement()
    first = StatementSignature.objects.get(statement=statement)
    statement.summary = "not part of the signed text"
    statement.save()
    assert StatementSignature.objects.get(statement=statement).minisig == first.minisig
    statement.body = "Исправленный текст."
    statement.save()
    second = StatementSignature.objects.get(statement=statement)
    assert second.minisig != first.minisig and "Исправленный текст." in second.text
    _check(statement)


def test_drafts_are_not_signed_scheduled_ones_are(site_key, make_statement):
    draft = make_statement(status=Statement.Status.DRAFT)
    assert not StatementSignature.objects.filter(statement=draft).exists()
    later = timezone.now() + timedelta(days=3)
    scheduled = make_statement(status=Statement.Status.SCHEDULED, published_at=later)
    assert "date:" + later.strftime("%Y-%m-%dT%H:%M:%SZ") in _check(scheduled)
    draft.status = Statement.Status.PUBLISHED
    draft.save()
    _check(draft)


def test_no_key_saves_fine_and_leaves_unsigned(key_dir, make_statement):
    statement = make_statement()
    assert statement.pk and not StatementSignature.objects.exists()


def test_encrypted_key_signs_with_passphrase_from_settings(
    key_dir, fast_kdf, settings, make_statement
):
    keys.generate_site_key("unattended pass")
    settings.SIGNING_KEY_PASSPHRASE = "unattended pass"
    _check(make_statement())


def test_locked_key_leaves_unsigned_and_drops_a_stale_signature(
    key_dir, fast_kdf, settings, make_statement, caplog
):
    keys.generate_site_key("right")
    settings.SIGNING_KEY_PASSPHRASE = "right"
    statement = make_statement()
    _check(statement)
    settings.SIGNING_KEY_PASSPHRASE = "wrong"
    with caplog.at_level(logging.WARNING):
        statement.save()  # unchanged: the signature still fits and stays
        assert StatementSignature.objects.filter(statement=statement).exists()
        statement.title = "Changed while the key is locked"
        statement.save()
    assert Statement.objects.get(pk=statement.pk).title == "Changed while the key is locked"
    assert not StatementSignature.objects.filter(statement=statement).exists()
    assert "wrong passphrase" in caplog.text and "old signature was removed" in caplog.text


def test_wrong_passphrase_costs_one_key_derivation(key_dir, fast_kdf, settings, monkeypatch):
    from samizdat.authenticity import minisign

    keys.generate_site_key("right")
    settings.SIGNING_KEY_PASSPHRASE = "wrong"
    calls = []
    real = minisign._keystream
    monkeypatch.setattr(minisign, "_keystream", lambda *a: calls.append(1) or real(*a))
    assert keys.signing_key() is None and keys.signing_key() is None
    assert len(calls) == 1


def test_section_rename_resigns_its_statements(site_key, make_statement):
    statement = make_statement()
    section = statement.section
    section.names = {**section.names, "ru": "Новое имя"}
    section.save()
    assert "Section: Новое имя\n" in StatementSignature.objects.get(statement=statement).text
    _check(Statement.objects.get(pk=statement.pk))


def test_signing_error_does_not_break_saving(site_key, make_statement, monkeypatch, caplog):
    from samizdat.authenticity import signing

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(signing, "sign_statement", boom)
    with caplog.at_level(logging.ERROR):
        statement = make_statement()
    assert Statement.objects.filter(pk=statement.pk).exists()
    assert "stays unsigned" in caplog.text


def test_key_rotation_then_sign_all(site_key, make_statement, settings):
    from samizdat.authenticity import signing

    statements = [make_statement() for _ in range(3)]
    new = keys.generate_site_key(None, force=True)
    assert new.id != site_key.id
    assert (keys.key_dir() / f"retired-{site_key.id}.pub").exists()
    signed, unchanged = signing.sign_all(keys.signing_key(), signing.signable_statements())
    assert (signed, unchanged) == (3, 0)
    for statement in statements:
        _check(statement)
    assert signing.sign_all(keys.signing_key(), signing.signable_statements()) == (0, 3)


def test_public_key_cache_follows_the_file(site_key):
    first = keys.site_public_key()
    assert first is keys.site_public_key()  # cached
    new = keys.generate_site_key(None, force=True)
    assert keys.site_public_key().id == new.id != first.id
    keys.public_key_path().unlink()
    assert keys.site_public_key() is None
