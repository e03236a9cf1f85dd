"""The signed mirror list at /.well-known/ and the human page "Where to read us"."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from samizdat.authenticity import keys

from . import signedlist
from .signedlist import SignedFileError

log = logging.getLogger(__name__)


def _verified() -> signedlist.Signed | None:
    """The stored list if it verifies against the site's key (else logged and None)."""
    try:
        return signedlist.stored_list()
    except SignedFileError as exc:
        log.error("The mirror list is not served: %s", exc)
        return None


def mirror_list(request: HttpRequest) -> HttpResponse:
    signed = _verified()
    if signed is None:
        raise Http404
    response = HttpResponse(signed.body, content_type="application/json")
    response["Cache-Control"] = "public, max-age=300"
    return response


def mirror_list_signature(request: HttpRequest) -> HttpResponse:
    signed = _verified()
    if signed is None:
        raise Http404
    response = HttpResponse(signed.signature, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


def where(request: HttpRequest) -> HttpResponse:
    signed = _verified()
    key = keys.site_public_key()
    context = {
        "mirrors": signed.data["mirrors"] if signed else [],
        "key": key,
        "list_url": "/" + signedlist.LIST_REL,
    }
    return render(request, "mirror_network/where.html", context)
