"""`samizdat verify FILE [--sig FILE.minisig] [--pubkey FILE|RW…]`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samizdat.authenticity import keys as site_keys
from samizdat.authenticity.keyring import KeyEntry, load_keyring, parse_keyring
from samizdat.authenticity.minisign import (
    FormatError,
    MinisignError,
    PublicKey,
    Signature,
    VerificationError,
)
from samizdat.authenticity.offline import comment_fields

MAX_SMALL_FILE = 64 * 1024  # a .minisig or .pub is a few hundred bytes


def _read(path: Path, what: str, limit: int | None = None) -> bytes:
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1 if limit else -1)
    except OSError as exc:
        raise CommandError(f"Cannot read the {what} {path}: {exc.strerror}", returncode=2) from None
    if limit and len(data) > limit:
        raise CommandError(f"The {what} {path} is too large to be one.", returncode=2)
    return data


class Command(BaseCommand):
    help = (
        "Check a file against its minisign signature. Exit 0 and print the trusted comment "
        "when valid; exit 1 when the signature does not verify, 2 when an input is unusable."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--sig", help="signature file (default: FILE.minisig)")
        parser.add_argument(
            "--pubkey", help="public key file or RW… string (default: the site's keyring)"
        )
        parser.add_argument(
            "--keyring",
            help="a samizdat-keyring.txt (default: this site's): the signing key is looked up in "
            "it by id, and retired/revoked keys are judged by their validity",
        )

    def public_key(self, value: str | None) -> PublicKey:
        try:
            if value is None:
                key = site_keys.site_public_key()
                if key is None:
                    raise CommandError(
                        "This site has no public key; pass --pubkey FILE or --pubkey RW….",
                        returncode=2,
                    )
                return key.key
            path = Path(value)
            if path.is_file():
                return PublicKey.from_file(_read(path, "public key file", MAX_SMALL_FILE))
            if value.startswith("RW"):
                return PublicKey.from_base64(value)
            raise CommandError(
                f"--pubkey {value!r} is neither a file nor an RW… key.", returncode=2
            )
        except FormatError as exc:
            raise CommandError(f"Unusable public key: {exc}", returncode=2) from None

    def keyring_entry(self, path: str | None, signature: Signature) -> KeyEntry:
        try:
            entries = (
                parse_keyring(_read(Path(path), "keyring", MAX_SMALL_FILE))
                if path
                else load_keyring()
            )
        except MinisignError as exc:
            raise CommandError(f"Unusable keyring: {exc}", returncode=2) from None
        if not entries:
            raise CommandError(
                "This site has no public key; pass --pubkey FILE or --pubkey RW….", returncode=2
            )
        entry = next((e for e in entries if e.id == signature.key_id_hex), None)
        if entry is None:
            raise CommandError(
                f"INVALID — signed with key {signature.key_id_hex}, which is not in the keyring",
                returncode=1,
            )
        return entry

    def handle(self, *args, **options):
        path = Path(options["file"])
        sig_path = Path(options["sig"] or f"{path}.minisig")
        key = self.public_key(options["pubkey"]) if options["pubkey"] else None
        message = _read(path, "file")
        try:
            signature = Signature.from_file(_read(sig_path, "signature file", MAX_SMALL_FILE))
        except FormatError as exc:
            raise CommandError(f"INVALID — unusable signature file: {exc}", returncode=2) from None
        entry = None if key else self.keyring_entry(options["keyring"], signature)
        key = key or entry.public_key
        try:
            comment = key.verify(message, signature)
        except VerificationError as exc:
            raise CommandError(f"INVALID — {exc}", returncode=1) from None
        except MinisignError as exc:  # pragma: no cover - defensive
            raise CommandError(f"INVALID — {exc}", returncode=2) from None
        if entry is not None:
            stamp = comment_fields(comment).get("timestamp", "")
            signed_at = datetime.fromtimestamp(int(stamp), UTC) if stamp.isdigit() else None
            trusted, reason = entry.trusts(signed_at)
            if not trusted:
                raise CommandError(f"INVALID — untrusted: {reason}", returncode=1)
        self.stdout.write(f"Signature and comment signature verified (key {key.id})")
        self.stdout.write(f"Trusted comment: {comment}")
        if entry is not None and entry.status != "active":
            self.stdout.write(f"Note: key {entry.id} is {entry.status} (see the keyring).")
