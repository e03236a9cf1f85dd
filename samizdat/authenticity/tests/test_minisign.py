"""The minisign module alone, and both directions against the stock minisign binary."""

from __future__ import annotations

import base64

import pytest

from samizdat.authenticity import minisign
from samizdat.authenticity.minisign import (
    FormatError,
    PassphraseError,
    PublicKey,
    SecretKey,
    Signature,
    VerificationError,
)

from .conftest import FAST_MEMLIMIT, FAST_OPSLIMIT

TEXT = "Title: Тест\nIssuer: Ашық Дала\n\nБір. Two.\n".encode()


@pytest.fixture(scope="module")
def secret() -> SecretKey:
    return SecretKey.generate()


def test_scrypt_params_match_libsodium():
    # minisign's defaults: N = 2^20, r = 8, p = 1 (1 GiB); and the small-opslimit branch.
    assert minisign.scrypt_params(33554432, 1073741824) == (1 << 20, 8, 1)
    assert minisign.scrypt_params(FAST_OPSLIMIT, FAST_MEMLIMIT) == (1 << 14, 8, 1)
    assert minisign.scrypt_params(1, 1 << 30) == (1 << 10, 8, 1)  # opslimit raised to 32768
    assert minisign.scrypt_params(1 << 30, 1 << 24) == (1 << 14, 8, 2048)


def test_key_id_is_printed_like_minisign(secret):
    assert minisign.key_id_hex(bytes.fromhex("dfcf30853871b419")) == "19B471388530CFDF"
    pub = secret.public_key()
    assert pub.id == secret.id and len(pub.id) == 16
    raw = base64.b64decode(pub.base64)
    assert raw[:2] == b"Ed" and raw[2:10] == secret.key_id and len(raw) == 42
    assert pub.base64.startswith("RW")


def test_public_key_file_round_trip(secret):
    data = secret.public_key().to_file()
    first, second = data.decode().splitlines()
    assert first == f"untrusted comment: minisign public key {secret.id}"
    assert PublicKey.from_file(data) == PublicKey(
        secret.key_id, secret.public_key().public, first[19:]
    )
    assert PublicKey.from_base64(second).public == secret.public_key().public


def test_signature_layout(secret):
    sig = secret.sign(TEXT, "url:https://example.org/ru/a/b/\tdate:2026-01-02T00:00:00Z")
    lines = sig.to_file().decode().split("\n")
    assert len(lines) == 5 and lines[4] == ""
    assert lines[0].startswith("untrusted comment: ")
    raw = base64.b64decode(lines[1])
    assert raw[:2] == b"ED" and raw[2:10] == secret.key_id and len(raw) == 74
    assert lines[2] == "trusted comment: url:https://example.org/ru/a/b/\tdate:2026-01-02T00:00:00Z"
    assert len(base64.b64decode(lines[3])) == 64
    assert Signature.from_file(sig.to_file()) == sig


def test_sign_and_verify_returns_trusted_comment(secret):
    sig = secret.sign(TEXT, "hello")
    assert secret.public_key().verify(TEXT, Signature.from_file(sig.to_file())) == "hello"


def test_every_tampered_byte_of_the_text_fails(secret):
    sig = secret.sign(TEXT, "c")
    pub = secret.public_key()
    for i in range(len(TEXT)):
        tampered = TEXT[:i] + bytes([TEXT[i] ^ 0x01]) + TEXT[i + 1 :]
        with pytest.raises(VerificationError):
            pub.verify(tampered, sig)
    for tampered in (TEXT + b"\n", TEXT[:-1], b"", TEXT.replace(b"\n", b"\r\n")):
        with pytest.raises(VerificationError):
            pub.verify(tampered, sig)


def _flip_base64_char(ch: int) -> int:
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return alphabet[(alphabet.index(ch) + 1) % 64] if ch in alphabet else ch ^ 0x01


def test_every_tampered_byte_of_the_signature_fails(secret):
    """Every byte after the untrusted comment line (which minisign does not sign either)."""
    data = secret.sign(TEXT, "url:x\tdate:y").to_file()
    pub = secret.public_key()
    start = data.index(b"\n") + 1
    for i in range(start, len(data)):
        if data[i] == 0x0A:
            continue
        tampered = data[:i] + bytes([_flip_base64_char(data[i])]) + data[i + 1 :]
        with pytest.raises((VerificationError, FormatError)):
            pub.verify(TEXT, Signature.from_file(tampered))


def test_untrusted_comment_is_not_signed(secret):
    data = secret.sign(TEXT, "c").to_file()
    changed = b"untrusted comment: anything" + data[data.index(b"\n") :]
    assert secret.public_key().verify(TEXT, Signature.from_file(changed)) == "c"


def test_signature_from_another_key_fails(secret):
    other = SecretKey.generate()
    with pytest.raises(VerificationError, match="made with key"):
        secret.public_key().verify(TEXT, other.sign(TEXT, "c"))
    # Same key id but another key: the Ed25519 check catches it.
    impostor = SecretKey(secret.key_id, other.seed)
    with pytest.raises(VerificationError, match="verification failed"):
        secret.public_key().verify(TEXT, impostor.sign(TEXT, "c"))


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"untrusted comment: x\n",
        b"untrusted comment: x\nRWQ=\n",
        b"untrusted comment: x\nnot base64!!\ntrusted comment: c\nAAAA\n",
        b"hello\nworld\nthis\nis\n",
        bytes(range(256)),
        "untrusted comment: ё\n".encode() * 4,
    ],
)
def test_garbage_signature_files_are_refused(garbage):
    with pytest.raises(FormatError):
        Signature.from_file(garbage)


def test_truncated_signature_files_are_refused(secret):
    data = secret.sign(TEXT, "c").to_file()
    for cut in range(len(data) - 1):
        truncated = data[:cut]
        if truncated.endswith(b"\n") and truncated.count(b"\n") == 4:
            continue  # only the final newline removed: still complete
        with pytest.raises((FormatError, VerificationError)):
            secret.public_key().verify(TEXT, Signature.from_file(truncated))


def test_trusted_comment_must_be_one_line(secret):
    with pytest.raises(minisign.MinisignError):
        secret.sign(TEXT, "two\nlines")


def test_encrypted_secret_key_round_trip_and_wrong_passphrase(secret):
    data = secret.to_file(b"correct horse", FAST_OPSLIMIT, FAST_MEMLIMIT)
    raw = base64.b64decode(data.splitlines()[1])
    assert raw[:6] == b"EdScB2" and len(raw) == 158
    assert int.from_bytes(raw[38:46], "little") == FAST_OPSLIMIT
    assert secret.id.encode() not in data and base64.b64encode(secret.seed) not in data
    assert SecretKey.is_encrypted_file(data)
    assert SecretKey.from_file(data, b"correct horse").seed == secret.seed
    with pytest.raises(PassphraseError, match="wrong passphrase"):
        SecretKey.from_file(data, b"wrong horse")
    with pytest.raises(PassphraseError, match="passphrase is needed"):
        SecretKey.from_file(data, None)


def test_unencrypted_secret_key_round_trip_and_damage(secret):
    data = secret.to_file(None)
    raw = bytearray(base64.b64decode(data.splitlines()[1]))
    assert raw[:6] == b"Ed\0\0B2" and not SecretKey.is_encrypted_file(data)
    assert SecretKey.from_file(data).seed == secret.seed
    raw[70] ^= 1  # a bit of the secret scalar
    damaged = data.splitlines()[0] + b"\n" + base64.b64encode(bytes(raw)) + b"\n"
    with pytest.raises(FormatError, match="checksum"):
        SecretKey.from_file(damaged)


def test_hostile_kdf_limits_are_refused(secret):
    data = secret.to_file(b"pw", FAST_OPSLIMIT, FAST_MEMLIMIT)
    raw = bytearray(base64.b64decode(data.splitlines()[1]))
    raw[46:54] = (1 << 40).to_bytes(8, "little")
    hostile = data.splitlines()[0] + b"\n" + base64.b64encode(bytes(raw)) + b"\n"
    with pytest.raises(FormatError, match="out of range"):
        SecretKey.from_file(hostile, b"pw")


# --- against the stock minisign binary -------------------------------------------------


def test_stock_minisign_verifies_our_signature_and_rejects_every_tampered_byte(
    secret, run_minisign, tmp_path
):
    text = tmp_path / "statement.txt"
    text.write_bytes(TEXT)
    (tmp_path / "statement.txt.minisig").write_bytes(secret.sign(TEXT, "url:u\tdate:d").to_file())
    (tmp_path / "k.pub").write_bytes(secret.public_key().to_file())
    pk = secret.public_key().base64
    ok = run_minisign("-Vm", str(text), "-P", pk)
    assert ok.returncode == 0, ok.stderr
    assert "Trusted comment: url:u\tdate:d" in ok.stdout
    assert run_minisign("-Vm", str(text), "-p", str(tmp_path / "k.pub")).returncode == 0
    assert run_minisign("-H", "-Vm", str(text), "-P", pk).returncode == 0  # really prehashed
    for i in range(len(TEXT)):
        text.write_bytes(TEXT[:i] + bytes([TEXT[i] ^ 0x20]) + TEXT[i + 1 :])
        assert run_minisign("-Vm", str(text), "-P", pk).returncode != 0, i
    text.write_bytes(TEXT + b" ")
    assert run_minisign("-Vm", str(text), "-P", pk).returncode != 0
    text.write_bytes(TEXT)
    other = SecretKey.generate().public_key().base64
    assert run_minisign("-Vm", str(text), "-P", other).returncode != 0


def test_stock_minisign_rejects_tampered_trusted_comment(secret, run_minisign, tmp_path):
    text = tmp_path / "f.txt"
    text.write_bytes(TEXT)
    data = secret.sign(TEXT, "url:https://example.org/ru/a/b/").to_file()
    forged = data.replace(b"/ru/a/b/", b"/ru/a/c/")
    (tmp_path / "f.txt.minisig").write_bytes(forged)
    result = run_minisign("-Vm", str(text), "-P", secret.public_key().base64)
    assert result.returncode != 0 and "Comment signature verification failed" in result.stderr


def _decodes_same(changed: bytes, line: bytes) -> bool:
    try:
        return base64.b64decode(changed) == base64.b64decode(line)
    except ValueError:
        return False


def test_stock_minisign_rejects_every_tampered_signature_byte(secret, run_minisign, tmp_path):
    text, sig_path = tmp_path / "f.txt", tmp_path / "f.txt.minisig"
    text.write_bytes(TEXT)
    data = secret.sign(TEXT, "url:https://example.org/ru/a/b/").to_file()
    lines = data.split(b"\n")
    pk = secret.public_key().base64
    checked = 0
    for number in (1, 2, 3):  # signature, trusted comment, global signature
        for i in range(len(lines[number])):
            line = lines[number]
            changed = line[:i] + bytes([_flip_base64_char(line[i])]) + line[i + 1 :]
            if number != 2 and _decodes_same(changed, line):
                continue  # only unused padding bits differ: the same signature bytes
            sig_path.write_bytes(b"\n".join([*lines[:number], changed, *lines[number + 1 :]]))
            result = run_minisign("-Vm", str(text), "-P", pk)
            assert result.returncode != 0, (number, i)
            checked += 1
    assert checked > 200


def test_we_verify_stock_signatures_of_an_unencrypted_stock_key(run_minisign, tmp_path):
    pub, key, text = tmp_path / "s.pub", tmp_path / "s.key", tmp_path / "f.txt"
    gen = run_minisign("-G", "-W", "-p", str(pub), "-s", str(key))
    assert gen.returncode == 0, gen.stderr
    text.write_bytes(TEXT)
    signed = run_minisign("-S", "-W", "-s", str(key), "-m", str(text), "-t", "stock comment")
    assert signed.returncode == 0, signed.stderr
    public = PublicKey.from_file(pub.read_bytes())
    sig = Signature.from_file((tmp_path / "f.txt.minisig").read_bytes())
    assert sig.prehashed and sig.key_id == public.key_id
    assert public.verify(TEXT, sig) == "stock comment"
    for i in range(len(TEXT)):
        with pytest.raises(VerificationError):
            public.verify(TEXT[:i] + bytes([TEXT[i] ^ 0x01]) + TEXT[i + 1 :], sig)
    # Our reader takes the stock unencrypted secret key (zero checksum) and signs with it.
    ours = SecretKey.from_file(key.read_bytes())
    assert ours.id == public.id
    assert public.verify(TEXT, ours.sign(TEXT, "ours")) == "ours"


def test_we_verify_stock_legacy_signatures(run_minisign, tmp_path):
    pub, key, text = tmp_path / "s.pub", tmp_path / "s.key", tmp_path / "f.txt"
    assert run_minisign("-G", "-W", "-p", str(pub), "-s", str(key)).returncode == 0
    text.write_bytes(TEXT)
    assert run_minisign("-S", "-l", "-W", "-s", str(key), "-m", str(text)).returncode == 0
    sig = Signature.from_file((tmp_path / "f.txt.minisig").read_bytes())
    assert not sig.prehashed
    PublicKey.from_file(pub.read_bytes()).verify(TEXT, sig)


def test_stock_minisign_signs_with_our_encrypted_key(secret, run_minisign, tmp_path):
    key, text = tmp_path / "ours.key", tmp_path / "f.txt"
    key.write_bytes(secret.to_file(b"s3cret pass", FAST_OPSLIMIT, FAST_MEMLIMIT))
    text.write_bytes(TEXT)
    wrong = run_minisign("-S", "-s", str(key), "-m", str(text), input="not it\n")
    assert wrong.returncode != 0 and "Wrong password" in wrong.stderr
    signed = run_minisign("-S", "-s", str(key), "-m", str(text), "-t", "tc", input="s3cret pass\n")
    assert signed.returncode == 0, signed.stderr
    sig = Signature.from_file((tmp_path / "f.txt.minisig").read_bytes())
    assert secret.public_key().verify(TEXT, sig) == "tc"


def test_stock_minisign_signs_with_our_unencrypted_key(secret, run_minisign, tmp_path):
    key, text = tmp_path / "ours.key", tmp_path / "f.txt"
    key.write_bytes(secret.to_file(None))
    text.write_bytes(TEXT)
    signed = run_minisign("-S", "-W", "-s", str(key), "-m", str(text), "-t", "tc")
    assert signed.returncode == 0, signed.stderr
    sig = Signature.from_file((tmp_path / "f.txt.minisig").read_bytes())
    assert secret.public_key().verify(TEXT, sig) == "tc"


def test_we_decrypt_a_stock_encrypted_key_with_default_limits(run_minisign, tmp_path):
    """Stock minisign reads the passphrase twice from stdin; its key uses N=2^20 (1 GiB)."""
    pub, key = tmp_path / "s.pub", tmp_path / "s.key"
    gen = run_minisign("-G", "-p", str(pub), "-s", str(key), input="pässwort\npässwort\n")
    assert gen.returncode == 0, gen.stderr
    raw = base64.b64decode(key.read_bytes().splitlines()[1])
    assert raw[2:4] == b"Sc" and int.from_bytes(raw[46:54], "little") == minisign.MEMLIMIT
    ours = SecretKey.from_file(key.read_bytes(), "pässwort".encode())
    public = PublicKey.from_file(pub.read_bytes())
    assert ours.id == public.id
    assert public.verify(TEXT, ours.sign(TEXT, "ok")) == "ok"
    with pytest.raises(PassphraseError):
        SecretKey.from_file(key.read_bytes(), b"passwort")
