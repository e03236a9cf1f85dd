"""`samizdat keys generate|show`: the site's minisign key pair."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from samizdat.authenticity import keys as site_keys
from samizdat.authenticity.minisign import MinisignError

from ._passphrase import obtain_passphrase


class Command(BaseCommand):
    help = (
        "generate: make the site's Ed25519 key pair in minisign format (secret key encrypted "
        "with SAMIZDAT_KEY_PASSPHRASE or a prompted passphrase; --unencrypted to store it "
        "plain). show: print the public key and its key id."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "show"])
        parser.add_argument(
            "--unencrypted", action="store_true", help="store the secret key without encryption"
        )
        parser.add_argument(
            "--demo", action="store_true", help="an unencrypted key marked as a demo key"
        )
        parser.add_argument(
            "--force", action="store_true", help="replace an existing pair (kept as retired-*)"
        )

    def handle(self, *args, **options):
        if options["action"] == "generate":
            self.generate(options)
        else:
            self.show()

    def generate(self, options) -> None:
        if not options["force"] and (
            site_keys.public_key_path().exists() or site_keys.secret_key_path().exists()
        ):
            raise CommandError(
                f"A key pair already exists in {site_keys.key_dir()}. Use --force to replace it "
                "(the old pair is kept as retired-<ID>.*); then run `samizdat sign --all`."
            )
        unencrypted = options["unencrypted"] or options["demo"]
        passphrase = None if unencrypted else obtain_passphrase(confirm=True)
        if not unencrypted:
            self.stdout.write("Deriving the encryption key from the passphrase (scrypt)…")
        try:
            key = site_keys.generate_site_key(
                passphrase, demo=options["demo"], force=options["force"]
            )
        except (MinisignError, OSError) as exc:
            raise CommandError(f"Could not create the key pair: {exc}") from None
        kind = "unencrypted" if unencrypted else "encrypted with the passphrase"
        self.stdout.write(f"Secret key ({kind}): {site_keys.secret_key_path()} (mode 0600)")
        self.stdout.write(f"Public key: {site_keys.public_key_path()}")
        self.stdout.write(f"Key id: {key.id}")
        self.stdout.write(key.base64)
        self.stdout.write(
            "Back up the secret key file (and its passphrase) somewhere safe and offline. "
            "Run `samizdat sign --all` to sign the published statements with it."
        )

    def show(self) -> None:
        key = site_keys.site_public_key()
        if key is None:
            raise CommandError(
                f"No public key at {site_keys.public_key_path()}: run `samizdat keys generate`."
            )
        secret = site_keys.secret_key_path()
        if secret.exists():
            try:
                state = "encrypted" if site_keys.secret_key_is_encrypted() else "unencrypted"
            except (MinisignError, OSError) as exc:
                state = f"unreadable: {exc}"
        else:
            state = "missing (this machine cannot sign)"
        self.stdout.write(f"Public key: {key.base64}")
        demo = "  (DEMO key, not for real use)" if key.is_demo else ""
        self.stdout.write(f"Key id: {key.id}{demo}")
        self.stdout.write(f"Public key file: {site_keys.public_key_path()}")
        self.stdout.write(f"Secret key file: {secret} ({state})")
