"""The signed old versions of a statement, as plain-text files."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from samizdat.caching.decorators import public_file
from samizdat.publishing.models import Statement

from .models import SignedVersion
from .signed import MAX_VERSION

MAX_SLUG_LENGTH = 200


def _version(section: str, slug: str, n: int) -> SignedVersion:
    if len(slug) > MAX_SLUG_LENGTH or not 0 < n <= MAX_VERSION:
        raise Http404
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    statement = get_object_or_404(
        Statement.objects.published(), language=language, section__slug=section, slug=slug
    )
    return get_object_or_404(SignedVersion, statement=statement, number=n)


def _plain(text: str) -> HttpResponse:
    return HttpResponse(text.encode("utf-8"), content_type="text/plain; charset=utf-8")


def _trusted(version: SignedVersion) -> bool:
    """Offered only while the site's keyring trusts the key at the time it signed."""
    from samizdat.authenticity import keyring

    entry = keyring.find(version.key_id)
    return entry is not None and entry.trusts(version.signed_at)[0]


@public_file
def text(request: HttpRequest, section: str, slug: str, n: int) -> HttpResponse:
    return _plain(_version(section, slug, n).text)


@public_file
def signature(request: HttpRequest, section: str, slug: str, n: int) -> HttpResponse:
    version = _version(section, slug, n)
    if not _trusted(version):
        raise Http404("The key of this signature is not trusted")
    return _plain(version.minisig)
