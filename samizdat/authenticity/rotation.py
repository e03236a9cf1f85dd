"""Key rotation and revocation: a new key, a transition statement, an updated keyring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from . import keyring, keys, minisign
from .canonical import format_date


@dataclass(frozen=True)
class Rotation:
    old_id: str
    new: keys.SiteKey
    transition_name: str  # file name in the key directory and under /.well-known/


def transition_text(old: minisign.PublicKey, new: minisign.PublicKey, now: datetime) -> bytes:
    date = format_date(now)
    return (
        "samizdat key transition\n"
        f"Site: {settings.SITE_URL}\n"
        f"Old-Key: {old.id} {old.base64}\n"
        f"New-Key: {new.id} {new.base64}\n"
        f"Date: {date}\n"
        "\n"
        f"From {date} on, the statements of {settings.SITE_URL} are signed with the key "
        f"{new.id}. The key {old.id} signs nothing new; what it signed before this date stays "
        "valid unless the keyring lists it as revoked.\n"
        "This text is signed by the old key (.minisig) and by the new key (.new.minisig).\n"
    ).encode()


def rotate(
    old_secret: minisign.SecretKey,
    new_passphrase: str | None,
    *,
    opslimit: int | None = None,
    memlimit: int | None = None,
) -> Rotation:
    """Make a new key pair (the old one is kept as retired-*), sign the transition with both
    keys and write the keyring signed by the new key."""
    current = keys.site_public_key()
    if current is None or current.key.key_id != old_secret.key_id:
        raise keys.SiteKeyError("the old secret key does not match the site's public key")
    now = datetime.now(UTC).replace(microsecond=0)
    entries = keyring.ensure_entry(keyring.load_keyring(), current, now)
    new = keys.generate_site_key(new_passphrase, force=True, opslimit=opslimit, memlimit=memlimit)
    new_secret = keys.load_secret_key(new_passphrase or "", cache=False)
    name = f"samizdat-transition-{current.id}-{new.id}.txt"
    text = transition_text(current.key, new.key, now)
    comment = f"timestamp:{int(now.timestamp())}\tfile:{name}\told:{current.id}\tnew:{new.id}"
    directory = keys.key_dir()
    keys._write_private(directory / name, text)
    signers = ((".minisig", old_secret, "old"), (".new.minisig", new_secret, "new"))
    for suffix, secret, which in signers:
        sig = secret.sign(text, comment, f"signature from the {which} samizdat key {secret.id}")
        keys._write_private(directory / f"{name}{suffix}", sig.to_file())
    entries = keyring.record_rotation(entries, current.id, new, now, f"/.well-known/{name}")
    keyring.write_keyring(entries, new_secret)
    return Rotation(current.id, new, name)


def revoke(key_id: str, since: datetime, secret: minisign.SecretKey | None) -> list:
    """Mark ``key_id`` revoked from ``since``; return the statements now untrusted."""
    from .models import StatementSignature

    entries = keyring.revoke(keyring.load_keyring(), key_id, since)
    keyring.write_keyring(entries, secret)
    return list(
        StatementSignature.objects.filter(key_id=key_id, signed_at__gte=since)
        .select_related("statement")
        .order_by("signed_at")
    )
