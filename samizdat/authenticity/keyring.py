"""The keyring: every key the site has used, with its validity, published and signed.

``keys/samizdat-keyring.txt`` (format in docs/signed-statements.md) is both the stored record
and the published file; ``samizdat-keyring.txt.minisig`` is its signature by the current key.
Without a keyring file one is derived from ``samizdat.pub`` and the ``retired-*.pub`` files, so
older installations keep verifying.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from django.conf import settings

from . import keys, minisign
from .canonical import format_date

log = logging.getLogger(__name__)

KEYRING_NAME = "samizdat-keyring.txt"
KEYRING_SIG_NAME = KEYRING_NAME + ".minisig"
TRANSITION_RE = re.compile(
    r"^samizdat-transition-[0-9A-F]{16}-[0-9A-F]{16}\.txt(\.new)?(\.minisig)?$"
)
ACTIVE, RETIRED, REVOKED = "active", "retired", "revoked"
HEADER = "samizdat keyring"


class KeyringError(minisign.MinisignError):
    """A keyring file that cannot be read, or an operation that does not fit it."""


@dataclass(frozen=True)
class KeyEntry:
    id: str
    public: str  # the RW… line
    status: str = ACTIVE
    valid_from: datetime | None = None
    valid_until: datetime | None = None  # retired: rotation time; revoked: compromised since
    successor: str = ""
    transition: str = ""

    @property
    def public_key(self) -> minisign.PublicKey:
        return minisign.PublicKey.from_base64(self.public)

    def trusts(self, signed_at: datetime | None) -> tuple[bool, str]:
        """Whether a signature by this key made at ``signed_at`` is to be believed, and why not."""
        if signed_at is not None:
            signed_at = signed_at.replace(microsecond=0)  # the keyring keeps whole seconds
        if self.status == ACTIVE:
            return True, ""
        if self.status == RETIRED:
            if signed_at is None or self.valid_until is None or signed_at <= self.valid_until:
                return True, ""
            return False, f"made after key {self.id} was retired ({format_date(self.valid_until)})"
        if signed_at is not None and self.valid_until is not None and signed_at < self.valid_until:
            return True, ""
        since = format_date(self.valid_until) if self.valid_until else "?"
        return False, f"key {self.id} was revoked: compromised since {since}"


def _parse_time(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise KeyringError(f"keyring: bad time {value!r}") from None


def format_keyring(entries: list[KeyEntry], signed: bool = True) -> bytes:
    note = f"{KEYRING_SIG_NAME} (by the active key)" if signed else "none yet"
    lines = [
        HEADER,
        f"Site: {settings.SITE_URL}",
        f"Updated: {format_date(datetime.now(UTC))}",
        f"Signature: {note}",
    ]
    for e in entries:
        lines += [
            "",
            f"Key: {e.id}",
            f"Public-Key: {e.public}",
            f"Status: {e.status}",
            f"Valid-From: {format_date(e.valid_from)}".rstrip(),
            f"Valid-Until: {format_date(e.valid_until)}".rstrip(),
        ]
        if e.successor:
            lines.append(f"Successor: {e.successor}")
        if e.transition:
            lines.append(f"Transition: {e.transition}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def parse_keyring(data: bytes) -> list[KeyEntry]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise KeyringError("keyring: not UTF-8") from None
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if not blocks or not blocks[0].startswith(HEADER):
        raise KeyringError("keyring: not a samizdat keyring file")
    entries = []
    for block in blocks[1:]:
        fields = {}
        for line in block.strip().splitlines():
            name, sep, value = line.partition(":")
            if not sep:
                raise KeyringError(f"keyring: bad line {line!r}")
            fields[name.strip()] = value.strip()
        try:
            entry = KeyEntry(
                id=fields["Key"],
                public=fields["Public-Key"],
                status=fields.get("Status", ACTIVE),
                valid_from=_parse_time(fields.get("Valid-From", "")),
                valid_until=_parse_time(fields.get("Valid-Until", "")),
                successor=fields.get("Successor", ""),
                transition=fields.get("Transition", ""),
            )
        except KeyError as exc:
            raise KeyringError(f"keyring: a key without {exc.args[0]}") from None
        if entry.status not in (ACTIVE, RETIRED, REVOKED):
            raise KeyringError(f"keyring: unknown status {entry.status!r}")
        if entry.public_key.id != entry.id:
            raise KeyringError(f"keyring: the public key of {entry.id} has another id")
        entries.append(entry)
    return entries


def keyring_path():
    return keys.key_dir() / KEYRING_NAME


def keyring_sig_path():
    return keys.key_dir() / KEYRING_SIG_NAME


def _derived() -> list[KeyEntry]:
    """No keyring file yet: the current key plus the retired-*.pub files beside it."""
    entries = []
    current = keys.site_public_key()
    if current is not None:
        entries.append(KeyEntry(current.id, current.base64))
    for path in sorted(keys.key_dir().glob("retired-*.pub")):
        try:
            key = minisign.PublicKey.from_file(path.read_bytes())
        except (OSError, minisign.MinisignError):
            continue
        if not any(e.id == key.id for e in entries):
            entries.append(KeyEntry(key.id, key.base64, RETIRED))
    return entries


_lock = threading.Lock()
_cache: dict = {}


def load_keyring() -> list[KeyEntry]:
    """The keyring (cached per file version; one ``stat`` when unchanged)."""
    path = keyring_path()
    stamp = (keys._stamp(path), keys._stamp(keys.public_key_path()))
    cached = _cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    if stamp[0] is None:
        entries = _derived()
    else:
        try:
            entries = parse_keyring(path.read_bytes())
        except (OSError, minisign.MinisignError) as exc:
            log.error("Cannot read the keyring %s: %s", path, exc)
            entries = _derived()
    with _lock:
        _cache[path] = (stamp, entries)
    return entries


def find(key_id: str) -> KeyEntry | None:
    return next((e for e in load_keyring() if e.id == key_id), None)


def write_keyring(entries: list[KeyEntry], secret: minisign.SecretKey | None) -> bytes:
    """Store the keyring; sign it when the active key's secret half is given."""
    data = format_keyring(entries, signed=secret is not None)
    keys.ensure_key_dir()
    keys._write_private(keyring_path(), data)
    sig_path = keyring_sig_path()
    if secret is not None:
        comment = f"timestamp:{int(datetime.now(UTC).timestamp())}\tfile:{KEYRING_NAME}"
        sig = secret.sign(data, comment, f"signature from samizdat key {secret.id}")
        keys._write_private(sig_path, sig.to_file())
    else:
        sig_path.unlink(missing_ok=True)  # a signature of an older keyring must not stay
    return data


def keyring_signature() -> bytes | None:
    """The keyring's signature file, only if it verifies against the site's current key."""
    current = keys.site_public_key()
    try:
        data, sig = keyring_path().read_bytes(), keyring_sig_path().read_bytes()
        if current is None:
            return None
        current.key.verify(data, minisign.Signature.from_file(sig))
    except (OSError, minisign.MinisignError):
        return None
    return sig


def ensure_entry(entries: list[KeyEntry], key: keys.SiteKey, now: datetime) -> list[KeyEntry]:
    if any(e.id == key.id for e in entries):
        return entries
    return [KeyEntry(key.id, key.base64, ACTIVE, valid_from=now), *entries]


def record_rotation(
    entries: list[KeyEntry], old_id: str, new: keys.SiteKey, now: datetime, transition: str
) -> list[KeyEntry]:
    """The keyring after a rotation: the new key active, the old one retired now."""
    out = [KeyEntry(new.id, new.base64, ACTIVE, valid_from=now)]
    for e in entries:
        if e.id == new.id:
            continue
        if e.id == old_id and e.status == ACTIVE:
            e = replace(e, status=RETIRED, valid_until=now, successor=new.id, transition=transition)
        elif e.status == ACTIVE:
            e = replace(e, status=RETIRED, valid_until=e.valid_until or now)
        out.append(e)
    return out


def revoke(entries: list[KeyEntry], key_id: str, since: datetime) -> list[KeyEntry]:
    found = [e for e in entries if e.id == key_id]
    if not found:
        raise KeyringError(f"no key {key_id} in the keyring")
    if found[0].status == ACTIVE:
        raise KeyringError(
            f"{key_id} is the active key: run `samizdat keys rotate` first, then revoke it"
        )
    return [replace(e, status=REVOKED, valid_until=since) if e.id == key_id else e for e in entries]


def mirror_urls() -> list[tuple[str, str]]:
    """For the static mirror (settings.MIRROR_URL_PROVIDERS): the published key files with a
    fingerprint of their content, so a rotation or revocation re-exports them and an edited
    statement does not (the fixed names are listed even while absent: the keyring is then
    derived from the public key files)."""
    import hashlib

    directory = keys.key_dir()
    names = [keys.PUBLIC_NAME, KEYRING_NAME, KEYRING_SIG_NAME]
    if directory.is_dir():
        names += sorted(p.name for p in directory.iterdir() if TRANSITION_RE.match(p.name))
    state = hashlib.blake2b(digest_size=10)
    for path in sorted(directory.glob("*.pub")) if directory.is_dir() else []:
        state.update(path.name.encode() + b"\0" + path.read_bytes())
    found = []
    for name in names:
        try:
            fp = hashlib.blake2b((directory / name).read_bytes(), digest_size=10).hexdigest()
        except OSError:
            fp = "absent-" + state.hexdigest()
        found.append((f"/.well-known/{name}", fp))
    return found
