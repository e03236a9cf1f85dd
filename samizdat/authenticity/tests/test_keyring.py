"""Key rotation, the published keyring and revocation; checked with the stock minisign."""

from __future__ import annotations

import io
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from samizdat.authenticity import keyring, keys
from samizdat.authenticity.models import StatementSignature

from .test_commands import _call


def _keyring_entries(client) -> dict[str, keyring.KeyEntry]:
    response = client.get("/.well-known/samizdat-keyring.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    return {e.id: e for e in keyring.parse_keyring(response.content)}


def _rotate(monkeypatch, lines: str) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    return _call("keys", "rotate", "--passphrase-stdin")


def _save(tmp_path, client, url: str, name: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    (tmp_path / name).write_bytes(response.content)
    return str(tmp_path / name)


def test_generate_publishes_a_keyring_signed_by_the_key(
    client, db, key_dir, run_minisign, tmp_path
):
    from samizdat.accounts.models import AuditEntry

    _call("keys", "generate", "--unencrypted")
    key = keys.site_public_key()
    generated = AuditEntry.objects.get(action="key.generated")
    assert generated.details["key_id"] == key.id and generated.details["encrypted"] is False
    entries = _keyring_entries(client)
    assert list(entries) == [key.id] and entries[key.id].status == "active"
    assert entries[key.id].public == key.base64 and entries[key.id].valid_from is not None
    text = _save(tmp_path, client, "/.well-known/samizdat-keyring.txt", "k.txt")
    sig = _save(tmp_path, client, "/.well-known/samizdat-keyring.txt.minisig", "k.txt.minisig")
    checked = run_minisign("-V", "-P", key.base64, "-m", text, "-x", sig)
    assert checked.returncode == 0, checked.stderr


def test_rotation_keeps_old_statements_verifiable_with_the_keyring(
    client, key_dir, fast_kdf, monkeypatch, make_statement, run_minisign, tmp_path
):
    monkeypatch.setattr(sys, "stdin", io.StringIO("old passphrase\n"))
    _call("keys", "generate", "--passphrase-stdin")
    old = keys.site_public_key()
    statement = make_statement(title="Signed before the rotation")
    from samizdat.authenticity import signing

    signing.sign_statement(statement, keys.load_secret_key("old passphrase", cache=False))
    out = _rotate(monkeypatch, "old passphrase\nnew passphrase\n")
    new = keys.site_public_key()
    assert new.id != old.id and f"new key {new.id}" in out
    assert keys.load_secret_key("new passphrase", cache=False).id == new.id

    entries = _keyring_entries(client)
    assert entries[new.id].status == "active"
    retired = entries[old.id]
    assert retired.status == "retired" and retired.successor == new.id
    assert retired.valid_until is not None and retired.public == old.base64

    # the transition statement: signed by the old key and by the new one (stock minisign)
    t = retired.transition
    assert t == f"/.well-known/samizdat-transition-{old.id}-{new.id}.txt"
    text = _save(tmp_path, client, t, "transition.txt")
    body = (tmp_path / "transition.txt").read_text()
    assert f"New-Key: {new.id} {new.base64}" in body and f"Old-Key: {old.id}" in body
    for suffix, key in ((".minisig", old), (".new.minisig", new)):
        sig = _save(tmp_path, client, t + suffix, "transition" + suffix)
        checked = run_minisign("-V", "-P", key.base64, "-m", text, "-x", sig)
        assert checked.returncode == 0, (suffix, checked.stderr)
    swapped = run_minisign(
        "-V", "-P", new.base64, "-m", text, "-x", str(tmp_path / "transition.minisig")
    )
    assert swapped.returncode != 0

    # the old statement still verifies: stock minisign with the old key from the keyring
    url = statement.get_absolute_url()
    page = client.get(url).content.decode()
    assert f"minisign -Vm statement.txt -P {old.base64}" in page and "прежним ключом" in page
    st = _save(tmp_path, client, url + "statement.txt", "statement.txt")
    _save(tmp_path, client, url + "statement.txt.minisig", "statement.txt.minisig")
    checked = run_minisign("-V", "-P", retired.public, "-m", st)
    assert checked.returncode == 0, checked.stderr
    # and `samizdat verify` finds the key in the keyring (the site's, or a downloaded copy)
    assert "retired" in _call("verify", st)
    ring = _save(tmp_path, client, "/.well-known/samizdat-keyring.txt", "ring.txt")
    assert f"(key {old.id})" in _call("verify", st, "--keyring", ring)


def test_revoking_a_compromised_key_marks_later_signatures_untrusted(
    client, site_key, monkeypatch, make_statement, sign, tmp_path
):
    old = site_key  # no keyring file yet: derived from samizdat.pub
    before = sign(make_statement(title="before the compromise"))
    StatementSignature.objects.filter(statement=before).update(
        signed_at=timezone.now() - timedelta(days=10)
    )
    after = sign(make_statement(title="after the compromise"))
    with pytest.raises(CommandError, match="rotate"):
        _call("keys", "revoke", old.id, "--compromised-since", "2026-01-01")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    call_command("keys", "rotate", "--unencrypted", stdout=io.StringIO(), stderr=io.StringIO())
    since = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = _call("keys", "revoke", old.id, "--compromised-since", since)
    assert "1 statement signature(s)" in out and after.get_absolute_url() in out
    assert _keyring_entries(client)[old.id].status == "revoked"
    # Both key operations are in the audit trail, in order.
    from samizdat.accounts.models import AuditEntry

    ops = list(AuditEntry.objects.filter(action__startswith="key.").order_by("id"))
    assert [e.action for e in ops] == ["key.rotated", "key.revoked"]
    assert ops[0].details["old_key"] == old.id and ops[1].details["key_id"] == old.id

    url = after.get_absolute_url()
    assert "который сайт отозвал" in client.get(url).content.decode()
    assert client.get(url + "statement.txt.minisig").status_code == 404
    assert client.get(before.get_absolute_url() + "statement.txt.minisig").status_code == 200

    # a copy of the untrusted pair kept from earlier fails `samizdat verify` with the keyring
    from samizdat.authenticity.canonical import canonical_bytes

    (tmp_path / "s.txt").write_bytes(canonical_bytes(after))
    stored = StatementSignature.objects.get(statement=after)
    (tmp_path / "s.txt.minisig").write_text(stored.minisig)
    with pytest.raises(CommandError, match="untrusted") as info:
        _call("verify", str(tmp_path / "s.txt"))
    assert info.value.returncode == 1


def test_keyring_parser_refuses_garbage_and_mismatched_ids():
    with pytest.raises(keyring.KeyringError):
        keyring.parse_keyring(b"\xff\xfe")
    with pytest.raises(keyring.KeyringError):
        keyring.parse_keyring(b"not a keyring\n")
    from samizdat.authenticity.minisign import SecretKey

    pub = SecretKey.generate().public_key()
    good = f"samizdat keyring\n\nKey: {pub.id}\nPublic-Key: {pub.base64}\nStatus: active\n"
    assert keyring.parse_keyring(good.encode())[0].id == pub.id
    with pytest.raises(keyring.KeyringError, match="another id"):
        keyring.parse_keyring(good.replace(f"Key: {pub.id}", "Key: 0000000000000000").encode())
    with pytest.raises(keyring.KeyringError, match="status"):
        keyring.parse_keyring(good.replace("active", "sleepy").encode())


def test_a_keyring_signature_that_does_not_verify_is_not_served(client, site_key):
    keyring.write_keyring(keyring.ensure_entry([], site_key, timezone.now()), None)
    assert client.get("/.well-known/samizdat-keyring.txt").status_code == 200
    assert client.get("/.well-known/samizdat-keyring.txt.minisig").status_code == 404
    for bad in ("samizdat-transition-x.txt", "samizdat-transition-" + "A" * 16 + "-.txt"):
        assert client.get("/.well-known/" + bad).status_code == 404
