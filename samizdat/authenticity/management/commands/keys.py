"""`samizdat keys generate|show|rotate|revoke|keyring`: the site's minisign keys."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from samizdat.authenticity import audit, keyring, rotation
from samizdat.authenticity import keys as site_keys
from samizdat.authenticity.minisign import MinisignError

from ._passphrase import Passphrases

UNENCRYPTED_WARNING = (
    "WARNING: the secret key is stored WITHOUT encryption: anyone who copies the data "
    "directory (a seized server, a backup) can sign statements in the movement's name."
)


def parse_time(value: str) -> datetime:
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise CommandError(f"Not a time: {value!r} (use YYYY-MM-DDTHH:MM:SSZ, UTC)")


class Command(BaseCommand):
    help = (
        "generate: make the site's key pair (secret key encrypted with a passphrase unless "
        "--unencrypted). show: the public key and key id. rotate: a new key, a transition "
        "statement signed by the old and the new key, and the keyring. revoke KEYID "
        "--compromised-since TIME: mark a retired key revoked. keyring: rewrite and sign it."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "show", "rotate", "revoke", "keyring"])
        parser.add_argument("key_id", nargs="?", help="revoke: the key id")
        parser.add_argument(
            "--unencrypted",
            action="store_true",
            help="store the (new) secret key without encryption — see the warning",
        )
        parser.add_argument(
            "--demo", action="store_true", help="an unencrypted key marked as a demo key"
        )
        parser.add_argument(
            "--force", action="store_true", help="replace an existing pair (kept as retired-*)"
        )
        parser.add_argument(
            "--passphrase-stdin",
            action="store_true",
            help="read passphrases from standard input, one a line (rotate: old, then new)",
        )
        parser.add_argument("--compromised-since", help="revoke: UTC time of the compromise")

    def handle(self, *args, **options):
        self.passphrases = Passphrases(options["passphrase_stdin"])
        getattr(self, options["action"])(options)

    def _new_passphrase(self, options) -> str | None:
        if options["unencrypted"] or options["demo"]:
            if not options["demo"]:
                self.stderr.write(UNENCRYPTED_WARNING)
            return None
        return self.passphrases.get("Passphrase for the new key", confirm=True)

    def _current_secret(self, what: str = "Passphrase of the current key"):
        if not site_keys.secret_key_path().exists():
            return None
        try:
            encrypted = site_keys.secret_key_is_encrypted()
            passphrase = self.passphrases.get(what) if encrypted else ""
            if encrypted:
                self.stdout.write("Unlocking the key (scrypt, a few seconds)…")
            return site_keys.load_secret_key(passphrase, cache=False)
        except (MinisignError, OSError) as exc:
            raise CommandError(f"Cannot use the signing key: {exc}") from None

    def generate(self, options) -> None:
        if not options["force"] and (
            site_keys.public_key_path().exists() or site_keys.secret_key_path().exists()
        ):
            raise CommandError(
                f"A key pair already exists in {site_keys.key_dir()}. To change keys use "
                "`samizdat keys rotate` (it keeps old signatures verifiable)."
            )
        passphrase = self._new_passphrase(options)
        if passphrase is not None:
            self.stdout.write("Deriving the encryption key from the passphrase (scrypt)…")
        old = site_keys.site_public_key()
        entries = keyring.load_keyring() if old else []
        try:
            key = site_keys.generate_site_key(
                passphrase, demo=options["demo"], force=options["force"]
            )
            secret = site_keys.load_secret_key(passphrase or "", cache=False)
            now = timezone.now().replace(microsecond=0)
            # --force: the replaced key stays in the keyring as retired (no transition
            # statement: use `keys rotate` for that)
            entries = keyring.record_rotation(entries, old.id if old else "", key, now, "")
            keyring.write_keyring(entries, secret)
        except (MinisignError, OSError) as exc:
            raise CommandError(f"Could not create the key pair: {exc}") from None
        audit.record(
            "key.generated",
            key_id=key.id,
            encrypted=passphrase is not None,
            replaced=old.id if old else "",
        )
        kind = "unencrypted" if passphrase is None else "encrypted with the passphrase"
        self.stdout.write(f"Secret key ({kind}): {site_keys.secret_key_path()} (mode 0600)")
        self.stdout.write(f"Public key: {site_keys.public_key_path()}")
        self.stdout.write(f"Keyring: {keyring.keyring_path()}")
        self.stdout.write(f"Key id: {key.id}")
        self.stdout.write(key.base64)
        self.stdout.write(
            "Back up the secret key file (and its passphrase) somewhere safe and offline. "
            "For offline signing, move the secret key off this server."
        )

    def rotate(self, options) -> None:
        old = self._current_secret("Passphrase of the current (old) key")
        if old is None:
            raise CommandError(
                f"No secret key at {site_keys.secret_key_path()}: rotate on the machine that "
                "holds the current key, then copy the public files (samizdat.pub, the keyring, "
                "the transition files) to the server."
            )
        passphrase = self._new_passphrase(options)
        self.stdout.write("Making the new key…")
        try:
            done = rotation.rotate(old, passphrase)
        except (MinisignError, OSError) as exc:
            raise CommandError(f"Could not rotate the key: {exc}") from None
        audit.record("key.rotated", old_key=done.old_id, new_key=done.new.id)
        self.stdout.write(f"Old key {done.old_id} retired; new key {done.new.id}:")
        self.stdout.write(done.new.base64)
        self.stdout.write(f"Transition statement: /.well-known/{done.transition_name} (signed by")
        self.stdout.write("  both keys: .minisig by the old one, .new.minisig by the new one)")
        self.stdout.write(f"Keyring: /.well-known/{keyring.KEYRING_NAME}")
        self.stdout.write(
            "Now sign again with the new key (`samizdat sign --all`, or Re-sign in the admin) and "
            "announce the new key id through your independent channels."
        )

    def revoke(self, options) -> None:
        if not options["key_id"] or not options["compromised_since"]:
            raise CommandError("Usage: samizdat keys revoke KEYID --compromised-since TIME")
        since = parse_time(options["compromised_since"])
        secret = self._current_secret()
        try:
            untrusted = rotation.revoke(options["key_id"].upper(), since, secret)
        except (MinisignError, OSError) as exc:
            raise CommandError(f"Could not revoke: {exc}") from None
        audit.record(
            "key.revoked",
            key_id=options["key_id"].upper(),
            compromised_since=since.isoformat(),
            untrusted=len(untrusted),
        )
        self.stdout.write(f"Key {options['key_id'].upper()} revoked, compromised since {since}.")
        if secret is None:
            self.stdout.write(
                f"The keyring is NOT signed (no secret key here): sign {keyring.keyring_path()} "
                f"with `minisign -S -s samizdat.key -m {keyring.KEYRING_NAME}` and put the "
                f"{keyring.KEYRING_SIG_NAME} beside it."
            )
        self.stdout.write(f"{len(untrusted)} statement signature(s) made since then are untrusted:")
        for signature in untrusted:
            self.stdout.write(f"  {signature.signed_at:%Y-%m-%d %H:%M} {signature.url}")

    def keyring(self, options) -> None:
        key = site_keys.site_public_key()
        if key is None:
            raise CommandError("No public key: run `samizdat keys generate` first.")
        secret = self._current_secret()
        entries = keyring.ensure_entry(keyring.load_keyring(), key, timezone.now())
        keyring.write_keyring(entries, secret)
        signed = "signed" if secret else "NOT signed (no secret key here)"
        self.stdout.write(f"Keyring with {len(entries)} key(s) written, {signed}.")

    def show(self, options) -> None:
        key = site_keys.site_public_key()
        if key is None:
            raise CommandError(
                f"No public key at {site_keys.public_key_path()}: run `samizdat keys generate`."
            )
        secret = site_keys.secret_key_path()
        if secret.exists():
            try:
                state = "encrypted" if site_keys.secret_key_is_encrypted() else "UNENCRYPTED"
            except (MinisignError, OSError) as exc:
                state = f"unreadable: {exc}"
        else:
            state = "not on this machine (offline signing)"
        self.stdout.write(f"Public key: {key.base64}")
        demo = "  (DEMO key, not for real use)" if key.is_demo else ""
        self.stdout.write(f"Key id: {key.id}{demo}")
        self.stdout.write(f"Public key file: {site_keys.public_key_path()}")
        self.stdout.write(f"Secret key file: {secret} ({state})")
        for entry in keyring.load_keyring():
            until = f" until {entry.valid_until:%Y-%m-%dT%H:%M:%SZ}" if entry.valid_until else ""
            self.stdout.write(f"Keyring: {entry.id} {entry.status}{until}")
