"""Signing is a deliberate act: saves never sign; publish_signed is all or nothing."""

from __future__ import annotations

import logging

import pytest

from samizdat.authenticity import keys, signing
from samizdat.authenticity.canonical import canonical_bytes
from samizdat.authenticity.minisign import PassphraseError, Signature
from samizdat.authenticity.models import StatementSignature
from samizdat.publishing.models import Statement


@pytest.fixture(autouse=True)
def english():
    """Error messages are translated; these tests read the English ones."""
    from django.utils.translation import override

    with override("en"):
        yield


def _check(statement) -> str:
    """Verify the stored signature over the current text with the site's public key."""
    stored = StatementSignature.objects.get(statement=statement)
    assert stored.text.encode() == canonical_bytes(statement)
    return keys.site_public_key().key.verify(
        canonical_bytes(statement), Signature.from_file(stored.minisig)
    )


def test_saves_never_sign(site_key, make_statement, settings):
    settings.SIGNING_KEY_PASSPHRASE = "even with unattended signing configured"
    statement = make_statement()
    statement.body = "Edited."
    statement.save()
    statement.section.names = {**statement.section.names, "ru": "Новое имя"}
    statement.section.save()
    draft = make_statement(status=Statement.Status.DRAFT)
    draft.status = Statement.Status.PUBLISHED
    draft.save()
    assert not StatementSignature.objects.exists()


def test_publish_and_sign_publishes_a_draft_with_url_and_date(site_key, make_statement):
    draft = make_statement(status=Statement.Status.DRAFT, title="Подписано")
    signing.sign_with_key(draft, keys.load_secret_key(""), publish=True)
    statement = Statement.objects.select_related("section").get(pk=draft.pk)
    assert statement.status == Statement.Status.PUBLISHED
    fields = dict(part.split(":", 1) for part in _check(statement).split("\t"))
    assert fields["url"] == "http://testserver" + statement.get_absolute_url()
    assert fields["date"] == statement.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert StatementSignature.objects.get(statement=statement).key_id == site_key.id


def test_resign_after_an_edit_and_states(site_key, make_statement, sign):
    statement = sign(make_statement())
    stored = StatementSignature.objects.get(statement=statement)
    assert signing.signature_state(statement, stored)[0] == signing.CURRENT
    statement.summary = "not part of the signed text"
    statement.save()
    assert signing.signature_state(statement, stored)[0] == signing.CURRENT
    statement.body = "Исправленный текст."
    statement.save()
    assert signing.signature_state(statement, stored)[0] == signing.STALE
    signing.sign_with_key(statement, keys.load_secret_key(""), publish=False)
    _check(Statement.objects.select_related("section").get(pk=statement.pk))
    assert "Исправленный текст." in StatementSignature.objects.get(statement=statement).text


@pytest.mark.parametrize("change", ["section", "slug", "title"])
def test_anything_in_the_signed_text_or_url_makes_it_stale(site_key, make_statement, sign, change):
    statement = sign(make_statement())
    if change == "section":
        statement.section.names = {**statement.section.names, "ru": "Другое"}
        statement.section.save()
    else:
        setattr(statement, change, "changed-" + change)
        statement.save()
    fresh = Statement.objects.select_related("section", "signature").get(pk=statement.pk)
    assert signing.signature_state(fresh, fresh.signature)[0] == signing.STALE


def test_resign_refuses_a_draft(site_key, make_statement):
    draft = make_statement(status=Statement.Status.DRAFT)
    with pytest.raises(signing.SigningError, match="not published"):
        signing.sign_with_key(draft, keys.load_secret_key(""), publish=False)
    assert not StatementSignature.objects.exists()


def test_publish_signed_refuses_a_text_that_does_not_fit_and_publishes_nothing(
    site_key, make_statement
):
    draft = make_statement(status=Statement.Status.DRAFT)
    key = keys.load_secret_key("")
    other = b"Title: something else\n"
    sig = key.sign(other, "url:x date:y")
    with pytest.raises(signing.SigningError, match="not the statement's text"):
        signing.publish_signed(draft, other, sig, publish=True, date=draft.published_at)
    assert Statement.objects.get(pk=draft.pk).status == Statement.Status.DRAFT
    assert not StatementSignature.objects.exists()


def test_a_failure_while_storing_rolls_the_publication_back(site_key, make_statement, monkeypatch):
    draft = make_statement(status=Statement.Status.DRAFT)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(signing, "store_signature", boom)
    with pytest.raises(RuntimeError):
        signing.sign_with_key(draft, keys.load_secret_key(""), publish=True)
    assert Statement.objects.get(pk=draft.pk).status == Statement.Status.DRAFT


def test_encrypted_key_needs_the_typed_passphrase_unless_unattended(
    key_dir, fast_kdf, settings, make_statement
):
    keys.generate_site_key("typed by the editor")
    assert keys.needs_passphrase()
    with pytest.raises(PassphraseError):
        keys.editor_signing_key("")
    with pytest.raises(PassphraseError, match="wrong passphrase"):
        keys.editor_signing_key("wrong")
    key = keys.editor_signing_key("typed by the editor")
    assert key.id == keys.site_public_key().id
    # a typed passphrase leaves neither the decrypted key nor its outcome behind
    assert not any(k[0] == keys.secret_key_path() for k in keys._secret_cache)
    settings.SIGNING_KEY_PASSPHRASE = "typed by the editor"  # unattended signing opted in
    assert not keys.needs_passphrase() and keys.editor_signing_key("").id == key.id


def test_wrong_passphrase_costs_one_key_derivation(key_dir, fast_kdf, settings, monkeypatch):
    from samizdat.authenticity import minisign

    keys.generate_site_key("right")
    settings.SIGNING_KEY_PASSPHRASE = "wrong"
    calls = []
    real = minisign._keystream
    monkeypatch.setattr(minisign, "_keystream", lambda *a: calls.append(1) or real(*a))
    with pytest.raises(PassphraseError):
        keys.load_secret_key()
    assert keys.signing_key() is None
    assert len(calls) == 1


def test_sign_all_signs_what_is_missing(site_key, make_statement, caplog):
    statements = [make_statement() for _ in range(3)]
    key = keys.load_secret_key("")
    assert signing.sign_all(key, signing.signable_statements()) == (3, 0)
    for statement in statements:
        _check(statement)
    assert signing.sign_all(key, signing.signable_statements()) == (0, 3)
    with caplog.at_level(logging.WARNING):
        assert signing.sign_all(key, signing.signable_statements(), force=True) == (3, 0)


def test_public_key_cache_follows_the_file(site_key):
    first = keys.site_public_key()
    assert first is keys.site_public_key()  # cached
    new = keys.generate_site_key(None, force=True)
    assert keys.site_public_key().id == new.id != first.id
    keys.public_key_path().unlink()
    assert keys.site_public_key() is None


def test_publish_and_sign_goes_through_the_lifecycle_once(
    site_key, make_statement, django_capture_on_commit_callbacks
):
    from samizdat.publishing import signals

    draft = make_statement(status=Statement.Status.DRAFT)
    seen = []

    def receiver(sender, statement, actor=None, **kwargs):
        seen.append((statement.pk, actor))

    signals.statement_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            signing.sign_with_key(draft, keys.load_secret_key(""), publish=True, actor="editor")
    finally:
        signals.statement_published.disconnect(receiver)
    assert seen == [(draft.pk, "editor")]
    assert Statement.objects.get(pk=draft.pk).announced_at is not None
