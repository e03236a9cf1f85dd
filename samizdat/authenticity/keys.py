"""The site's minisign key pair in ``settings.SIGNING_KEY_DIR`` (directory 0700, files 0600).

Reads are cached in-process and invalidated when the file changes (mtime, size, inode), so a
page that shows the key id costs one ``stat`` and no file read.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from . import minisign

log = logging.getLogger(__name__)

PUBLIC_NAME = "samizdat.pub"
SECRET_NAME = "samizdat.key"
DEMO_COMMENT = "samizdat DEMO key — not for real use"


class SiteKeyError(minisign.MinisignError):
    """No key, a key that already exists, or a key that cannot be used."""


@dataclass(frozen=True)
class SiteKey:
    """The published public key: exact file bytes plus the parsed key."""

    raw: bytes
    key: minisign.PublicKey

    @property
    def id(self) -> str:
        return self.key.id

    @property
    def base64(self) -> str:
        return self.key.base64

    @property
    def is_demo(self) -> bool:
        return "DEMO" in self.key.comment


def key_dir() -> Path:
    return Path(settings.SIGNING_KEY_DIR)


def public_key_path() -> Path:
    return key_dir() / PUBLIC_NAME


def secret_key_path() -> Path:
    return key_dir() / SECRET_NAME


_lock = threading.Lock()
_public_cache: dict[Path, tuple[tuple, SiteKey | None]] = {}
_secret_cache: dict[tuple, minisign.SecretKey | str] = {}


def _stamp(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def site_public_key() -> SiteKey | None:
    """The site's public key, or None when there is none (or it is unreadable)."""
    path = public_key_path()
    stamp = _stamp(path)
    if stamp is None:
        return None
    cached = _public_cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        raw = path.read_bytes()
        value: SiteKey | None = SiteKey(raw, minisign.PublicKey.from_file(raw))
    except (OSError, minisign.MinisignError) as exc:
        log.error("Cannot read the public key %s: %s", path, exc)
        value = None
    with _lock:
        _public_cache[path] = (stamp, value)
    return value


def secret_key_is_encrypted() -> bool:
    return minisign.SecretKey.is_encrypted_file(secret_key_path().read_bytes())


def load_secret_key(passphrase: str | None = None, *, cache: bool = True) -> minisign.SecretKey:
    """Read and decrypt the site's secret key; raise a MinisignError with a clear message.

    ``passphrase`` defaults to settings.SIGNING_KEY_PASSPHRASE (set only for unattended
    signing). Results, failures included, are cached per file version and passphrase, so a
    wrong passphrase costs one scrypt run; ``cache=False`` (a passphrase an editor typed)
    keeps neither the decrypted key nor the outcome in memory.
    """
    if passphrase is None:
        passphrase = settings.SIGNING_KEY_PASSPHRASE
    path = secret_key_path()
    stamp = _stamp(path)
    if stamp is None:
        raise SiteKeyError(f"no secret key at {path}: run `samizdat keys generate`")
    cache_key = (path, stamp, hashlib.sha256(passphrase.encode("utf-8")).digest())
    cached = _secret_cache.get(cache_key) if cache else None
    if isinstance(cached, minisign.SecretKey):
        return cached
    if isinstance(cached, str):
        raise minisign.PassphraseError(cached)
    try:
        key = minisign.SecretKey.from_file(path.read_bytes(), passphrase.encode("utf-8") or None)
    except minisign.PassphraseError as exc:
        if cache:
            with _lock:
                _secret_cache[cache_key] = str(exc)
        raise
    except OSError as exc:
        raise SiteKeyError(f"cannot read the secret key {path}: {exc.strerror}") from None
    public = site_public_key()
    if public is not None and public.key.key_id != key.key_id:
        raise SiteKeyError(
            f"the secret key ({key.id}) does not match the published public key ({public.id})"
        )
    if cache:
        with _lock:
            _secret_cache.clear()  # keep at most one decrypted key in memory
            _secret_cache[cache_key] = key
    return key


def signing_key() -> minisign.SecretKey | None:
    """The key for unattended signing, or None (logged) when it is missing or locked."""
    if _stamp(secret_key_path()) is None:
        return None
    try:
        return load_secret_key()
    except minisign.MinisignError as exc:
        log.warning("Statements are left unsigned: %s", exc)
        return None


def _write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` atomically, created with ``mode`` from the start."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def ensure_key_dir() -> Path:
    directory = key_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    return directory


def generate_site_key(
    passphrase: str | None,
    *,
    demo: bool = False,
    force: bool = False,
    opslimit: int | None = None,
    memlimit: int | None = None,
) -> SiteKey:
    """Make and store a new key pair; ``passphrase=None`` stores the secret key unencrypted.

    An existing pair is kept unless ``force``; then it is renamed ``retired-<ID>.pub/.key``
    beside the new one, so signatures made with it can still be checked.
    """
    directory = ensure_key_dir()
    old = site_public_key()
    if public_key_path().exists() or secret_key_path().exists():
        if not force:
            which = f" ({old.id})" if old else ""
            raise SiteKeyError(
                f"a key pair{which} already exists in {directory}; use --force to replace it"
            )
        suffix = old.id if old else "unknown"
        for path in (public_key_path(), secret_key_path()):
            if path.exists():
                os.replace(path, directory / f"retired-{suffix}{path.suffix}")
    secret = minisign.SecretKey.generate(comment=DEMO_COMMENT if demo else "")
    public = secret.public_key(
        comment=f"{DEMO_COMMENT}; minisign public key {secret.id}" if demo else ""
    )
    data = secret.to_file(
        passphrase.encode("utf-8") if passphrase is not None else None, opslimit, memlimit
    )
    _write_private(secret_key_path(), data)
    # The public file is published anyway; 0600 matches the rest of the directory.
    _write_private(public_key_path(), public.to_file())
    return SiteKey(public.to_file(), public)


def needs_passphrase() -> bool:
    """Whether signing here needs a passphrase typed by the editor (an encrypted key and no
    unattended signing configured)."""
    try:
        return secret_key_is_encrypted() and not settings.SIGNING_KEY_PASSPHRASE
    except (OSError, minisign.MinisignError):
        return False


def editor_signing_key(passphrase: str) -> minisign.SecretKey:
    """The secret key for one deliberate signature: the typed passphrase, used once, or the
    unattended configuration when the operator chose it (or the key is unencrypted)."""
    if needs_passphrase():
        if not passphrase:
            raise minisign.PassphraseError("the secret key is encrypted: a passphrase is needed")
        return load_secret_key(passphrase, cache=False)
    return load_secret_key()
