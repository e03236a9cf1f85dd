"""`samizdat keys`, `samizdat sign`, `samizdat verify` and the demo hook."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samizdat.authenticity import keys
from samizdat.authenticity.minisign import SecretKey
from samizdat.authenticity.models import StatementSignature

TEXT = "Title: Тест\n\nТекст.\n".encode()

# Key operations are recorded in the audit trail, which lives in the database.
pytestmark = pytest.mark.django_db


def _call(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def test_keys_generate_unencrypted_files_and_modes(key_dir):
    err = io.StringIO()
    call_command("keys", "generate", "--unencrypted", stdout=(o := io.StringIO()), stderr=err)
    out = o.getvalue()
    assert "WARNING" in err.getvalue() and "WITHOUT encryption" in err.getvalue()
    key = keys.site_public_key()
    assert f"Key id: {key.id}" in out and key.base64 in out
    assert stat.S_IMODE(os.stat(key_dir).st_mode) == 0o700
    for path in (keys.public_key_path(), keys.secret_key_path()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not SecretKey.is_encrypted_file(keys.secret_key_path().read_bytes())
    names = {p.name for p in key_dir.iterdir()}  # no temporary files left
    assert names == {"samizdat.key", "samizdat.pub", "samizdat-keyring.txt"} | {
        "samizdat-keyring.txt.minisig"
    }


def test_keys_generate_encrypted_with_passphrase_from_settings(key_dir, fast_kdf, settings):
    settings.SIGNING_KEY_PASSPHRASE = "from the environment"
    _call("keys", "generate")
    data = keys.secret_key_path().read_bytes()
    assert SecretKey.is_encrypted_file(data)
    assert SecretKey.from_file(data, b"from the environment").id == keys.site_public_key().id


def test_keys_generate_without_passphrase_or_terminal_refuses(key_dir, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--passphrase-stdin"):
        _call("keys", "generate")
    assert not keys.secret_key_path().exists()


def test_keys_generate_encrypts_by_default_with_a_passphrase_from_stdin(
    key_dir, fast_kdf, monkeypatch
):
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\n"))
    _call("keys", "generate", "--passphrase-stdin")
    data = keys.secret_key_path().read_bytes()
    assert SecretKey.is_encrypted_file(data)
    assert SecretKey.from_file(data, b"correct horse battery").id == keys.site_public_key().id


def test_key_passphrase_env_is_ignored_without_unattended_signing(key_dir, tmp_path):
    """The real console: SAMIZDAT_KEY_PASSPHRASE alone is not used (nor stored anywhere)."""
    env = {
        **os.environ,
        "SAMIZDAT_KEY_DIR": str(key_dir),
        "SAMIZDAT_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "samizdat.settings",
        "SAMIZDAT_KEY_PASSPHRASE": "left in the environment",
    }
    env.pop("SAMIZDAT_UNATTENDED_SIGNING", None)
    cmd = [sys.executable, "-m", "samizdat.cli", "keys", "generate"]
    run = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, input="")
    assert run.returncode != 0 and "ignored without SAMIZDAT_UNATTENDED_SIGNING=1" in run.stderr
    assert not keys.secret_key_path().exists()


def test_keys_generate_refuses_to_overwrite_without_force(site_key):
    with pytest.raises(CommandError, match="keys rotate"):
        _call("keys", "generate", "--unencrypted")
    assert keys.site_public_key().id == site_key.id
    _call("keys", "generate", "--unencrypted", "--force")
    assert keys.site_public_key().id != site_key.id
    assert (keys.key_dir() / f"retired-{site_key.id}.key").exists()


def test_keys_show(site_key, key_dir):
    out = _call("keys", "show")
    assert f"Public key: {site_key.base64}" in out and f"Key id: {site_key.id}" in out
    assert "UNENCRYPTED" in out and f"Keyring: {site_key.id} active" in out


def test_keys_show_without_key(key_dir):
    with pytest.raises(CommandError, match="keys generate"):
        _call("keys", "show")


def test_sign_all_with_encrypted_key(key_dir, fast_kdf, settings, make_statement):
    statements = [make_statement() for _ in range(4)]  # no key yet: unsigned
    assert not StatementSignature.objects.exists()
    keys.generate_site_key("pass phrase")
    settings.SIGNING_KEY_PASSPHRASE = "wrong"
    with pytest.raises(CommandError, match="wrong passphrase"):
        _call("sign", "--all")
    settings.SIGNING_KEY_PASSPHRASE = "pass phrase"
    assert "signed 4, already current 0, of 4" in _call("sign", "--all")
    assert StatementSignature.objects.count() == len(statements)
    assert "signed 0, already current 4" in _call("sign", "--all")
    assert "signed 1, already current 0, of 1" in _call("sign", str(statements[0].pk), "--force")


def test_sign_needs_a_key_and_a_target(key_dir):
    with pytest.raises(CommandError, match="--all"):
        _call("sign")
    with pytest.raises(CommandError, match="keys generate"):
        _call("sign", "--all")


@pytest.fixture
def signed_file(site_key, tmp_path):
    secret = keys.load_secret_key()
    path = tmp_path / "statement.txt"
    path.write_bytes(TEXT)
    (tmp_path / "statement.txt.minisig").write_bytes(secret.sign(TEXT, "url:u").to_file())
    return path


def test_verify_valid_prints_trusted_comment(signed_file, site_key):
    out = _call("verify", str(signed_file))
    assert "verified" in out and "Trusted comment: url:u" in out
    assert "verified" in _call("verify", str(signed_file), "--pubkey", site_key.base64)
    assert "verified" in _call("verify", str(signed_file), "--pubkey", str(keys.public_key_path()))


def _verify_fails(*args: str) -> CommandError:
    with pytest.raises(CommandError) as info:
        _call("verify", *args)
    assert info.value.returncode != 0
    assert "verified" not in str(info.value)
    return info.value


def test_verify_every_tampered_byte_fails(signed_file):
    sig = str(signed_file) + ".minisig"
    for i in range(len(TEXT)):
        signed_file.write_bytes(TEXT[:i] + bytes([TEXT[i] ^ 0x01]) + TEXT[i + 1 :])
        assert _verify_fails(str(signed_file), "--sig", sig).returncode == 1


def test_verify_other_key_garbage_truncated_missing(signed_file, tmp_path):
    other = SecretKey.generate().public_key()
    assert "made with key" in str(_verify_fails(str(signed_file), "--pubkey", other.base64))
    sig = tmp_path / "statement.txt.minisig"
    good = sig.read_bytes()
    sig.write_bytes(good[: len(good) // 2])
    assert "truncated" in str(_verify_fails(str(signed_file)))
    sig.write_bytes(os.urandom(200))
    assert "unusable signature file" in str(_verify_fails(str(signed_file)))
    sig.unlink()
    assert "Cannot read the signature file" in str(_verify_fails(str(signed_file)))
    assert "Cannot read the file" in str(_verify_fails(str(tmp_path / "nope.txt")))
    assert "neither a file" in str(_verify_fails(str(signed_file), "--pubkey", "nonsense"))
    assert "Unusable public key" in str(_verify_fails(str(signed_file), "--pubkey", "RWQx"))


def test_verify_without_site_key_asks_for_one(key_dir, tmp_path):
    (tmp_path / "f.txt").write_bytes(TEXT)
    sig = SecretKey.generate().sign(TEXT, "x").to_file()
    (tmp_path / "f.txt.minisig").write_bytes(sig)
    assert "--pubkey" in str(_verify_fails(str(tmp_path / "f.txt")))


def test_verify_console_exit_codes(signed_file, site_key, settings):
    """The real console command: exit 0 valid, 1 tampered, 2 garbage; messages on stderr."""
    env = {
        **os.environ,
        "SAMIZDAT_KEY_DIR": str(settings.SIGNING_KEY_DIR),
        "SAMIZDAT_DATA_DIR": str(signed_file.parent / "data"),
        "DJANGO_SETTINGS_MODULE": "samizdat.settings",
    }
    cmd = [sys.executable, "-m", "samizdat.cli", "verify", str(signed_file)]
    ok = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "Trusted comment: url:u" in ok.stdout
    signed_file.write_bytes(TEXT + b"!")
    bad = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 1 and "INVALID" in bad.stderr and "verified" not in bad.stdout
    (signed_file.parent / "statement.txt.minisig").write_text("garbage")
    garbage = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert garbage.returncode == 2 and "INVALID" in garbage.stderr


def test_verify_accepts_stock_minisign_signature(key_dir, run_minisign, tmp_path):
    pub, key, text = tmp_path / "s.pub", tmp_path / "s.key", tmp_path / "f.txt"
    assert run_minisign("-G", "-W", "-p", str(pub), "-s", str(key)).returncode == 0
    text.write_bytes(TEXT)
    assert run_minisign("-S", "-W", "-s", str(key), "-m", str(text), "-t", "stock").returncode == 0
    assert "Trusted comment: stock" in _call("verify", str(text), "--pubkey", str(pub))
    for i in range(len(TEXT)):
        text.write_bytes(TEXT[:i] + bytes([TEXT[i] ^ 0x04]) + TEXT[i + 1 :])
        assert _verify_fails(str(text), "--pubkey", str(pub)).returncode == 1


def test_demo_setup_makes_a_demo_key_and_signs(key_dir, make_statement):
    from django.apps import apps

    statements = [make_statement() for _ in range(2)]
    out = io.StringIO()
    apps.get_app_config("authenticity").demo_setup(out)
    key = keys.site_public_key()
    assert key.is_demo and "DEMO" in out.getvalue()
    assert "samizdat DEMO key — not for real use" in keys.public_key_path().read_text()
    assert StatementSignature.objects.filter(key_id=key.id).count() == len(statements)
    apps.get_app_config("authenticity").demo_setup(out)  # idempotent: same key
    assert keys.site_public_key().id == key.id


def test_generate_force_keeps_the_replaced_key_in_the_keyring(site_key):
    from samizdat.authenticity import keyring

    _call("keys", "generate", "--unencrypted", "--force")
    entries = {e.id: e for e in keyring.parse_keyring(keyring.keyring_path().read_bytes())}
    assert entries[site_key.id].status == "retired" and entries[site_key.id].valid_until
    assert entries[keys.site_public_key().id].status == "active"
