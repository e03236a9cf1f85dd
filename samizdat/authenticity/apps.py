from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthenticityConfig(AppConfig):
    name = "samizdat.authenticity"
    label = "authenticity"
    verbose_name = _("Authenticity")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from samizdat.publishing.models import Section, Statement
        from samizdat.publishing.panels import register_panel

        from . import signing

        register_panel("signature", "authenticity/_signature.html", order=100, slot="statement")
        register_panel("signing-key", "authenticity/_footer.html", order=100, slot="footer")

        post_save.connect(
            signing.on_statement_saved, sender=Statement, dispatch_uid="authenticity-sign"
        )
        post_save.connect(
            signing.on_section_saved, sender=Section, dispatch_uid="authenticity-section"
        )

    def demo_setup(self, stdout) -> None:
        """`samizdat demo`: an unencrypted demo key (if none yet), then sign what is published."""
        from . import keys, minisign, signing

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
        signed, unchanged = signing.sign_all(secret, signing.signable_statements())
        stdout.write(f"Signed {signed} statements ({unchanged} already signed) with {secret.id}.")
