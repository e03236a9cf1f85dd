from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuthenticityConfig(AppConfig):
    name = "samizdat.authenticity"
    label = "authenticity"
    verbose_name = _("Authenticity")

    # Statements are signed only when an editor publishes or re-signs them (admin.py), or
    # by `samizdat sign`: no post_save hook signs anything.

    def ready(self) -> None:
        from samizdat.publishing.panels import register_panel, register_relation

        register_panel("signature", "authenticity/_signature.html", order=100, slot="statement")
        register_relation("signature")
        register_panel("signing-key", "authenticity/_footer.html", order=100, slot="footer")
        from django.apps import apps

        if apps.is_installed("samizdat.mirror"):
            from samizdat.mirror import plan

            plan.STATEMENT_ROUTE_ONLY["authenticity:signature"] = _signed_statements

    def demo_setup(self, stdout) -> None:
        """`samizdat demo`: an unencrypted demo key (if none yet), then sign what is published."""
        from . import keyring, keys, minisign, signing

        try:
            if keys.site_public_key() is None and not keys.secret_key_path().exists():
                key = keys.generate_site_key(None, demo=True)
                stdout.write(
                    f"Demo signing key {key.id} (unencrypted, marked DEMO — not for real use) "
                    f"in {keys.key_dir()}"
                )
        except (OSError, minisign.MinisignError) as exc:
            stdout.write(f"No demo signing key could be made: {exc}")
            return
        secret = keys.signing_key()
        if secret is None:
            stdout.write("Statements not signed: the signing key is encrypted or unreadable.")
            return
        if keys.site_public_key() is not None and not keyring.keyring_path().exists():
            public = keys.site_public_key()
            keyring.write_keyring(keyring.ensure_entry([], public, timezone.now()), secret)
        signed, unchanged = signing.sign_all(secret, signing.signable_statements())
        stdout.write(f"Signed {signed} statements ({unchanged} already signed) with {secret.id}.")


def _signed_statements() -> set[int]:
    """Statements with a signature (the mirror skips the others' statement.txt.minisig)."""
    from .models import StatementSignature

    return set(StatementSignature.objects.values_list("statement_id", flat=True))
