"""`samizdat sign --all`: (re)sign every published or scheduled statement."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from samizdat.authenticity import audit, signing
from samizdat.authenticity import keys as site_keys
from samizdat.authenticity.minisign import MinisignError

from ._passphrase import obtain_passphrase


class Command(BaseCommand):
    help = (
        "Sign published and scheduled statements whose signature is missing or out of date "
        "(--force: all of them). The passphrase is asked for (or read with --passphrase-stdin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every signable statement")
        parser.add_argument("ids", nargs="*", type=int, help="statement ids")
        parser.add_argument("--force", action="store_true", help="re-sign even current ones")
        parser.add_argument(
            "--passphrase-stdin", action="store_true", help="read the passphrase from stdin"
        )

    def handle(self, *args, **options):
        if not options["all"] and not options["ids"]:
            raise CommandError("Name statement ids or use --all.")
        if not site_keys.secret_key_path().exists():
            raise CommandError(
                f"No secret key at {site_keys.secret_key_path()}: run `samizdat keys generate`."
            )
        try:
            passphrase = ""
            if site_keys.secret_key_is_encrypted():
                passphrase = obtain_passphrase(from_stdin=options["passphrase_stdin"])
            key = site_keys.load_secret_key(passphrase, cache=False)
        except (MinisignError, OSError) as exc:
            raise CommandError(f"Cannot use the signing key: {exc}") from None
        statements = signing.signable_statements()
        if options["ids"]:
            statements = statements.filter(pk__in=options["ids"])
        total = statements.count()
        progress = tqdm(
            statements.iterator(chunk_size=500),
            total=total,
            unit="statement",
            disable=None,  # off when stderr is not a terminal
            file=self.stderr._out,
        )
        signed, unchanged = signing.sign_all(key, progress, force=options["force"])
        audit.record("statements.signed", key_id=key.id, signed=signed, command="samizdat sign")
        self.stdout.write(
            self.style.SUCCESS(
                f"Key {key.id}: signed {signed}, already current {unchanged}, of {total}."
            )
        )
