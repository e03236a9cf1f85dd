from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.core.exceptions import ObjectDoesNotExist

from .. import keyring
from ..keys import SiteKey, site_public_key
from ..signing import CURRENT, STALE, signature_state

register = template.Library()


@register.simple_tag
def site_key() -> SiteKey | None:
    """The site's public key (cached in-process; one stat per call)."""
    return site_public_key()


@register.simple_tag
def statement_signature(statement) -> SignatureShown | None:
    """The statement's signature with its state (current, stale, untrusted), ≤ 1 query."""
    try:
        signature = statement.signature
    except ObjectDoesNotExist:
        return None
    state, reason = signature_state(statement, signature)
    entry = keyring.find(signature.key_id)
    return SignatureShown(signature, state, reason, entry.public if entry else "")


@dataclass(frozen=True)
class SignatureShown:
    signature: object
    state: str
    reason: str
    public: str  # the signing key's RW… line from the keyring ("" when unknown)

    @property
    def key_id(self) -> str:
        return self.signature.key_id

    @property
    def current(self) -> bool:
        return self.state == CURRENT

    @property
    def stale(self) -> bool:
        return self.state == STALE
