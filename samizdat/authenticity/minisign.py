"""The minisign formats on ``cryptography`` (Ed25519) and ``hashlib.blake2b``.

Files made here are read by the stock ``minisign`` binary and the other way round:

* public key: ``untrusted comment: …`` line, then base64 of ``"Ed" ‖ key id (8) ‖ pk (32)``;
* secret key: comment line, then base64 of ``"Ed" ‖ kdf "Sc"|"\\0\\0" ‖ "B2" ‖ salt (32) ‖
  opslimit (u64 LE) ‖ memlimit (u64 LE) ‖ [key id (8) ‖ seed+pk (64) ‖ checksum (32)]``, the
  bracket XORed with scrypt(passphrase) when encrypted; checksum = BLAKE2b-256 of
  ``"Ed" ‖ key id ‖ seed+pk``;
* signature: comment line, base64 of ``"ED" ‖ key id ‖ Ed25519(BLAKE2b-512(file))``, the line
  ``trusted comment: …`` and base64 of Ed25519(signature ‖ trusted comment).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

UNTRUSTED_PREFIX = b"untrusted comment: "
TRUSTED_PREFIX = b"trusted comment: "
SIG_ALG, SIG_ALG_HASHED, KDF_SCRYPT, KDF_NONE, CHK_ALG = b"Ed", b"ED", b"Sc", b"\0\0", b"B2"
# minisign's defaults (libsodium's scryptsalsa208sha256 "sensitive" limits: N=2^20, r=8, p=1).
OPSLIMIT = 33554432
MEMLIMIT = 1073741824
MAX_OPSLIMIT = 1 << 36  # refuse absurd parameters from a hostile key file
MAX_MEMLIMIT = 1 << 32
MAX_TRUSTED_COMMENT = 8192 - len(TRUSTED_PREFIX) - 2  # what minisign can read back


class MinisignError(ValueError):
    """Any failure; ``str(error)`` is a message fit for the user."""


class FormatError(MinisignError):
    """A key or signature file is truncated, garbled or of an unsupported kind."""


class VerificationError(MinisignError):
    """The signature does not match the file, the trusted comment or the key."""


class PassphraseError(MinisignError):
    """The passphrase does not decrypt the secret key."""


def key_id_hex(key_id: bytes) -> str:
    """The id as minisign prints it: the 8 bytes as a little-endian number in upper-case hex."""
    return key_id[::-1].hex().upper()


def _b64decode(line: bytes, size: int, what: str) -> bytes:
    try:
        raw = base64.b64decode(line, validate=True)
    except (binascii.Error, ValueError):
        raise FormatError(f"{what}: not valid base64") from None
    if len(raw) != size:
        raise FormatError(f"{what}: {len(raw)} bytes where {size} were expected")
    if base64.b64encode(raw) != line:  # non-canonical padding bits: refuse, never "equal"
        raise FormatError(f"{what}: not canonical base64")
    return raw


def _lines(data: bytes | str, count: int, what: str) -> list[bytes]:
    if isinstance(data, str):
        data = data.encode("utf-8")
    lines = [line.removesuffix(b"\r") for line in data.split(b"\n")]
    while lines and lines[-1] == b"":
        lines.pop()
    if len(lines) < count:
        raise FormatError(f"{what}: truncated ({len(lines)} of {count} lines)")
    if len(lines) > count:
        raise FormatError(f"{what}: unexpected data after line {count}")
    if not lines[0].startswith(UNTRUSTED_PREFIX):
        raise FormatError(f"{what}: the first line must start with “untrusted comment: ”")
    return lines


def _one_line(comment: str, what: str) -> bytes:
    raw = comment.encode("utf-8")
    if any(c in raw for c in b"\r\n\0"):
        raise MinisignError(f"{what} must be one line without NUL characters")
    return raw


def _first_log2_above(limit: int) -> int:
    n_log2 = 1
    while n_log2 < 63 and (1 << n_log2) <= limit:
        n_log2 += 1
    return n_log2


def scrypt_params(opslimit: int, memlimit: int) -> tuple[int, int, int]:
    """(N, r, p) exactly as libsodium's crypto_pwhash_scryptsalsa208sha256 picks them."""
    opslimit = max(opslimit, 32768)
    r = 8
    if opslimit < memlimit // 32:
        n_log2 = _first_log2_above(opslimit // (r * 4) // 2)
        p = 1
    else:
        n_log2 = _first_log2_above(memlimit // (r * 128) // 2)
        p = min((opslimit // 4) // (1 << n_log2), 0x3FFFFFFF) // r
    return 1 << n_log2, r, p


def _keystream(passphrase: bytes, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    if opslimit > MAX_OPSLIMIT or memlimit > MAX_MEMLIMIT:
        raise FormatError("secret key: key-derivation limits out of range")
    n, r, p = scrypt_params(opslimit, memlimit)
    if p < 1:
        raise FormatError("secret key: unusable key-derivation limits")
    return Scrypt(salt=salt, length=104, n=n, r=r, p=p).derive(passphrase)


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes
    public: bytes
    comment: str = ""

    @property
    def id(self) -> str:
        return key_id_hex(self.key_id)

    @property
    def base64(self) -> str:
        """The ``RW…`` string that ``minisign -P`` takes."""
        return base64.b64encode(SIG_ALG + self.key_id + self.public).decode("ascii")

    @classmethod
    def from_base64(cls, line: str | bytes, comment: str = "") -> PublicKey:
        raw = line.strip().encode("ascii", "replace") if isinstance(line, str) else line.strip()
        raw = _b64decode(raw, 42, "public key")
        if raw[:2] != SIG_ALG:
            raise FormatError("public key: unsupported signature algorithm")
        return cls(raw[2:10], raw[10:], comment)

    @classmethod
    def from_file(cls, data: bytes | str) -> PublicKey:
        lines = _lines(data, 2, "public key file")
        comment = lines[0][len(UNTRUSTED_PREFIX) :].decode("utf-8", "replace")
        return cls.from_base64(lines[1], comment)

    def to_file(self) -> bytes:
        comment = self.comment or f"minisign public key {self.id}"
        line = self.base64.encode()
        return b"%s%s\n%s\n" % (UNTRUSTED_PREFIX, _one_line(comment, "comment"), line)

    def verify(self, message: bytes, signature: Signature) -> str:
        """Check ``signature`` over ``message``; return the trusted comment or raise."""
        if signature.key_id != self.key_id:
            raise VerificationError(
                f"the signature was made with key {key_id_hex(signature.key_id)}, "
                f"not with this public key ({self.id})"
            )
        signed = hashlib.blake2b(message).digest() if signature.prehashed else message
        key = Ed25519PublicKey.from_public_bytes(self.public)
        try:
            key.verify(signature.signature, signed)
        except InvalidSignature:
            raise VerificationError(
                "signature verification failed: the file is not the one that was signed"
            ) from None
        try:
            key.verify(signature.global_signature, signature.signature + signature.trusted_comment)
        except InvalidSignature:
            raise VerificationError("the trusted comment of the signature was altered") from None
        return signature.trusted_comment.decode("utf-8", "replace")


@dataclass(frozen=True)
class Signature:
    key_id: bytes
    signature: bytes
    trusted_comment: bytes
    global_signature: bytes
    prehashed: bool = True
    untrusted_comment: str = "signature from samizdat"

    @property
    def key_id_hex(self) -> str:
        return key_id_hex(self.key_id)

    @classmethod
    def from_file(cls, data: bytes | str) -> Signature:
        lines = _lines(data, 4, "signature file")
        raw = _b64decode(lines[1], 74, "signature")
        if raw[:2] not in (SIG_ALG, SIG_ALG_HASHED):
            raise FormatError("signature: unsupported signature algorithm")
        if not lines[2].startswith(TRUSTED_PREFIX):
            raise FormatError("signature file: the third line must start with “trusted comment: ”")
        trusted = lines[2][len(TRUSTED_PREFIX) :]
        if b"\0" in trusted or b"\r" in trusted:
            raise FormatError("signature file: control characters in the trusted comment")
        return cls(
            key_id=raw[2:10],
            signature=raw[10:],
            trusted_comment=trusted,
            global_signature=_b64decode(lines[3], 64, "comment signature"),
            prehashed=raw[:2] == SIG_ALG_HASHED,
            untrusted_comment=lines[0][len(UNTRUSTED_PREFIX) :].decode("utf-8", "replace"),
        )

    def to_file(self) -> bytes:
        alg = SIG_ALG_HASHED if self.prehashed else SIG_ALG
        return b"".join(
            [
                UNTRUSTED_PREFIX + _one_line(self.untrusted_comment, "comment") + b"\n",
                base64.b64encode(alg + self.key_id + self.signature) + b"\n",
                TRUSTED_PREFIX + self.trusted_comment + b"\n",
                base64.b64encode(self.global_signature) + b"\n",
            ]
        )


@dataclass(frozen=True)
class SecretKey:
    key_id: bytes
    seed: bytes  # the 32-byte Ed25519 private key; minisign stores seed ‖ pk
    comment: str = ""

    @classmethod
    def generate(cls, comment: str = "") -> SecretKey:
        return cls(secrets.token_bytes(8), secrets.token_bytes(32), comment)

    @property
    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    def public_key(self, comment: str = "") -> PublicKey:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        pk = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return PublicKey(self.key_id, pk, comment)

    def sign(self, message: bytes, trusted_comment: str, untrusted_comment: str = "") -> Signature:
        """A prehashed (``ED``) signature of ``message`` with a one-line trusted comment."""
        trusted = _one_line(trusted_comment, "trusted comment")
        if len(trusted) > MAX_TRUSTED_COMMENT:
            raise MinisignError("trusted comment too long")
        private = self._private
        sig = private.sign(hashlib.blake2b(message).digest())
        return Signature(
            key_id=self.key_id,
            signature=sig,
            trusted_comment=trusted,
            global_signature=private.sign(sig + trusted),
            untrusted_comment=untrusted_comment or f"signature from minisign key {self.id}",
        )

    @property
    def id(self) -> str:
        return key_id_hex(self.key_id)

    def _checksum(self, sk: bytes) -> bytes:
        return hashlib.blake2b(SIG_ALG + self.key_id + sk, digest_size=32).digest()

    def to_file(
        self, passphrase: bytes | None, opslimit: int | None = None, memlimit: int | None = None
    ) -> bytes:
        """The key file; ``passphrase=None`` writes it unencrypted (like ``minisign -W``).

        The scrypt limits default to minisign's own (1 GiB of memory, a few seconds).
        """
        opslimit = opslimit or OPSLIMIT
        memlimit = memlimit or MEMLIMIT
        sk = self.seed + self.public_key().public
        inner = self.key_id + sk + self._checksum(sk)
        if passphrase is None:
            head = SIG_ALG + KDF_NONE + CHK_ALG + bytes(32) + bytes(16)
        else:
            if not passphrase:
                raise MinisignError("the passphrase must not be empty")
            salt = secrets.token_bytes(32)
            limits = opslimit.to_bytes(8, "little") + memlimit.to_bytes(8, "little")
            head = SIG_ALG + KDF_SCRYPT + CHK_ALG + salt + limits
            inner = _xor(inner, _keystream(passphrase, salt, opslimit, memlimit))
        comment = self.comment or (
            "minisign encrypted secret key" if passphrase else "minisign unencrypted secret key"
        )
        line = base64.b64encode(head + inner)
        return b"%s%s\n%s\n" % (UNTRUSTED_PREFIX, _one_line(comment, "comment"), line)

    @staticmethod
    def is_encrypted_file(data: bytes | str) -> bool:
        raw = _b64decode(_lines(data, 2, "secret key file")[1], 158, "secret key")
        return raw[2:4] == KDF_SCRYPT

    @classmethod
    def from_file(cls, data: bytes | str, passphrase: bytes | None = None) -> SecretKey:
        lines = _lines(data, 2, "secret key file")
        raw = _b64decode(lines[1], 158, "secret key")
        sig_alg, kdf, chk_alg = raw[0:2], raw[2:4], raw[4:6]
        if sig_alg != SIG_ALG or chk_alg != CHK_ALG:
            raise FormatError("secret key: unsupported signature or checksum algorithm")
        inner = raw[54:]
        if kdf == KDF_SCRYPT:
            if not passphrase:
                raise PassphraseError("the secret key is encrypted: a passphrase is needed")
            ops, mem = int.from_bytes(raw[38:46], "little"), int.from_bytes(raw[46:54], "little")
            inner = _xor(inner, _keystream(passphrase, raw[6:38], ops, mem))
        elif kdf != KDF_NONE:
            raise FormatError("secret key: unsupported key-derivation function")
        key_id, sk, chk = inner[:8], inner[8:72], inner[72:]
        comment = lines[0][len(UNTRUSTED_PREFIX) :].decode("utf-8", "replace")
        key = cls(key_id, sk[:32], comment)
        # minisign -W leaves the checksum of an unencrypted key zeroed; check it when present.
        checked = kdf == KDF_SCRYPT or chk != bytes(32)
        damaged = checked and not hmac.compare_digest(chk, key._checksum(sk))
        if damaged or key.public_key().public != sk[32:]:
            if kdf == KDF_SCRYPT:
                raise PassphraseError("wrong passphrase for this secret key")
            raise FormatError("secret key: checksum mismatch (the file is damaged)")
        return key
