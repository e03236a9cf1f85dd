"""Plain-text files: the public key, a statement's canonical text and its signature."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from samizdat.caching.decorators import public_file
from samizdat.publishing import preload
from samizdat.publishing.models import Statement

from . import keyring
from .canonical import canonical_bytes
from .keys import key_dir, site_public_key
from .models import StatementSignature
from .signing import CURRENT, signature_state

MAX_SLUG_LENGTH = 200


def _plain(data: bytes) -> HttpResponse:
    return HttpResponse(data, content_type="text/plain; charset=utf-8")


def _statement(section: str, slug: str) -> Statement:
    """The published statement at this URL (same visibility rule as its page)."""
    if len(slug) > MAX_SLUG_LENGTH:
        raise Http404
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    loaded = preload.take(language, section, slug)  # the mirror's export batch
    if loaded is not None:
        return loaded
    return get_object_or_404(
        Statement.objects.published().select_related("section"),
        language=language,
        section__slug=section,
        slug=slug,
    )


@public_file
def statement_text(request: HttpRequest, section: str, slug: str) -> HttpResponse:
    """The canonical text as it is now (the signed one, while the signature is current)."""
    return _plain(canonical_bytes(_statement(section, slug)))


@public_file
def statement_signature(request: HttpRequest, section: str, slug: str) -> HttpResponse:
    """The signature only while it verifies over statement.txt and its key is trusted: after
    an edit (stale) or a revocation this is a 404, never a mismatching pair."""
    statement = _statement(section, slug)
    signature = get_object_or_404(StatementSignature, statement=statement)
    if signature_state(statement, signature)[0] != CURRENT:
        raise Http404("The signature does not fit the current text")
    return _plain(signature.minisig.encode("utf-8"))


@public_file
def public_key(request: HttpRequest) -> HttpResponse:
    """The minisign public key file, byte for byte."""
    key = site_public_key()
    if key is None:
        raise Http404("No signing key")
    return _plain(key.raw)


def keyring_text(request: HttpRequest) -> HttpResponse:
    """All keys of the site with their validity (keyring.py); derived from the key files (and
    unsigned) until `samizdat keys generate|rotate|keyring` writes one."""
    path = keyring.keyring_path()
    if path.is_file():
        return _plain(path.read_bytes())
    entries = keyring.load_keyring()
    if not entries:
        raise Http404("No keyring")
    return _plain(keyring.format_keyring(entries, signed=False))


def keyring_signature(request: HttpRequest) -> HttpResponse:
    sig = keyring.keyring_signature()
    if sig is None:
        raise Http404("No valid keyring signature")
    return _plain(sig)


def transition(request: HttpRequest, name: str) -> HttpResponse:
    """A key transition statement and its signatures by the old and the new key."""
    if not keyring.TRANSITION_RE.match(name):
        raise Http404
    path = key_dir() / name
    if not path.is_file():
        raise Http404
    return _plain(path.read_bytes())
