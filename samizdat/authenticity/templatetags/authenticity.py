from __future__ import annotations

import hashlib

from django import template
from django.core.exceptions import ObjectDoesNotExist

from ..canonical import canonical_bytes
from ..keys import SiteKey, site_public_key

register = template.Library()


@register.simple_tag
def site_key() -> SiteKey | None:
    """The site's public key (cached in-process; one stat per call)."""
    return site_public_key()


@register.simple_tag
def statement_signature(statement):
    """The statement's signature if it signs the statement as shown, else None (≤ 1 query)."""
    try:
        signature = statement.signature
    except ObjectDoesNotExist:
        return None
    if signature.text_sha256 != hashlib.sha256(canonical_bytes(statement)).hexdigest():
        return None
    return signature
