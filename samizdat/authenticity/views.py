"""Plain-text files: the public key, a statement's canonical text and its signature."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from samizdat.caching.decorators import public_file
from samizdat.publishing.models import Statement

from .canonical import canonical_bytes
from .keys import site_public_key
from .models import StatementSignature

MAX_SLUG_LENGTH = 200


def _plain(data: bytes) -> HttpResponse:
    return HttpResponse(data, content_type="text/plain; charset=utf-8")


def _statement(section: str, slug: str) -> Statement:
    """The published statement at this URL (same visibility rule as its page)."""
    if len(slug) > MAX_SLUG_LENGTH:
        raise Http404
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return get_object_or_404(
        Statement.objects.published().select_related("section"),
        language=language,
        section__slug=section,
        slug=slug,
    )


@public_file
def statement_text(request: HttpRequest, section: str, slug: str) -> HttpResponse:
    """The signed text when there is a signature, else the canonical text as it is now."""
    statement = _statement(section, slug)
    signature = StatementSignature.objects.filter(statement=statement).only("text").first()
    return _plain(signature.text.encode("utf-8") if signature else canonical_bytes(statement))


@public_file
def statement_signature(request: HttpRequest, section: str, slug: str) -> HttpResponse:
    statement = _statement(section, slug)
    signature = get_object_or_404(StatementSignature.objects.only("minisig"), statement=statement)
    return _plain(signature.minisig.encode("utf-8"))


@public_file
def public_key(request: HttpRequest) -> HttpResponse:
    """The minisign public key file, byte for byte."""
    key = site_public_key()
    if key is None:
        raise Http404("No signing key")
    return _plain(key.raw)
