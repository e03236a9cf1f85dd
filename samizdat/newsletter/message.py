"""The newsletter mail of one statement: plain text + HTML from our own templates.

No remote images (the statement's images are left out, their alt text kept), no tracking
pixels, no redirecting links: every link is a plain link to the site. When the statement has a
current signature, the exact signed text and its ``.minisig`` are attached, so a reader can
check them offline with minisign, and the signature block is in the text as well.

The body is rendered once per send (:class:`Composer`); only the recipient's unsubscribe link
differs between the copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.mime.text import MIMEText

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from samizdat import languages

from . import subscriptions, tokens

PLACEHOLDER = "__SAMIZDAT_UNSUBSCRIBE_URL__"
MIRRORS_PATH = "/.well-known/samizdat-mirrors.json"
_IMG = re.compile(r"<img\b[^>]*?(?:\balt=\"([^\"]*)\")?[^>]*>", re.IGNORECASE)
_RELATIVE = re.compile(r"""(\s(?:href|src))=(["'])/(?!/)""", re.IGNORECASE)
_REMOTE_SRC = re.compile(r"""\s(?:src|srcset|background)=(["']).*?\1""", re.IGNORECASE)


def mail_html(body_html: str) -> str:
    """The statement's HTML fit for a mail: images out (alt text kept), links absolute."""
    html = _IMG.sub(lambda m: f"[{m.group(1)}]" if m.group(1) else "", body_html or "")
    html = _REMOTE_SRC.sub("", html)
    return _RELATIVE.sub(lambda m: f"{m.group(1)}={m.group(2)}{settings.SITE_URL}/", html)


@dataclass(frozen=True)
class Signed:
    text: str
    minisig: str
    key_id: str
    public: str  # the key's RW… line, for `minisign -P`


def current_signature(statement) -> Signed | None:
    """The statement's signature when it is current (fits the text, key trusted)."""
    if not apps.is_installed("samizdat.authenticity"):
        return None
    from samizdat.authenticity import keyring
    from samizdat.authenticity.models import StatementSignature
    from samizdat.authenticity.signing import CURRENT, signature_state

    signature = StatementSignature.objects.filter(statement_id=statement.pk).first()
    if signature is None or signature_state(statement, signature)[0] != CURRENT:
        return None
    entry = keyring.find(signature.key_id)
    return Signed(
        signature.text, signature.minisig, signature.key_id, entry.public if entry else ""
    )


def mirror_links() -> list[str]:
    """The signed list of current mirrors, then any mirrors the operator names."""
    site = settings.SITE_URL
    return [f"{site}{MIRRORS_PATH}", *getattr(settings, "NEWSLETTER_MIRRORS", [])]


class Composer:
    """Renders a statement's mail once; :meth:`message` makes one recipient's copy."""

    def __init__(self, statement) -> None:
        self.statement = statement
        self.language = statement.language
        self.signed = current_signature(statement)
        site = settings.SITE_URL
        with translation.override(self.language):
            context = {
                "statement": statement,
                "statement_url": f"{site}{statement.get_absolute_url()}",
                "body_html": mail_html(statement.body_html),
                "site_url": site,
                "site_name": getattr(settings, "SITE_NAMES", {}).get(self.language)
                or getattr(settings, "SITE_NAME", "")
                or _host(),
                "mirror_links": mirror_links(),
                "signed": self.signed,
                "language_name": languages.get(self.language).name,
                "unsubscribe_url": PLACEHOLDER,
                "manage_url": f"{site}{reverse('newsletter:request')}",
            }
            self.subject = " ".join(statement.title.split())[:200]
            self.text = render_to_string("newsletter/email/statement.txt", context)
            self.html = render_to_string("newsletter/email/statement.html", context)

    def message(self, to: str, key: str) -> EmailMultiAlternatives:
        unsubscribe = subscriptions.url(
            "newsletter:unsubscribe", tokens.unsubscribe_token(key), self.language
        )
        message = EmailMultiAlternatives(
            self.subject,
            self.text.replace(PLACEHOLDER, unsubscribe),
            to=[to],
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"<{self.language}.newsletter.{_host()}>",
                "Precedence": "bulk",
                "Auto-Submitted": "auto-generated",
                "Content-Language": self.language,
            },
        )
        message.attach_alternative(self.html.replace(PLACEHOLDER, unsubscribe), "text/html")
        if self.signed:
            message.attach(_exact("statement.txt", self.signed.text))
            message.attach(_exact("statement.txt.minisig", self.signed.minisig))
        return message


def _exact(filename: str, text: str) -> MIMEText:
    """A text attachment in base64: its bytes arrive unchanged (line ends too), so the
    signature still fits the saved file."""
    part = MIMEText(text, "plain", "utf-8")
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def _host() -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.SITE_URL).hostname or "localhost"
