"""Answer old WordPress URLs with a 301 to their new address.

Only URLs the site itself does not answer are looked up (the response is a 404), so a
redirect never shadows a real page; the one exception is ``/`` with WordPress's own query
(``/?p=12``, ``/?page_id=7``), which ``/`` would otherwise send to the home page.
Place it after LocaleMiddleware and CommonMiddleware, so it sees their 404 before they turn
it into a language or slash redirect.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from .models import Redirect
from .redirects import WP_QUERY_KEYS, redirect_key

logger = logging.getLogger(__name__)
# Our own areas, never a WordPress address: no lookup for their 404s.
NEVER_OLD = (
    "/admin/",
    "/.well-known/",
    "/" + settings.STATIC_URL.lstrip("/"),
    "/" + settings.MEDIA_URL.lstrip("/"),
)


def find_redirect(path: str, query) -> Redirect | None:
    key = redirect_key(path, query)
    candidates = [key]
    if "?" not in key:
        candidates.append(key[:-1] if key.endswith("/") else key + "/")
    for redirect in Redirect.objects.filter(old_path__in=candidates):
        return redirect
    return None


class OldUrlRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path == "/" and any(k in request.GET for k in WP_QUERY_KEYS):
            found = find_redirect(path, request.GET)
            if found is not None:
                return HttpResponsePermanentRedirect(found.destination())
        response = self.get_response(request)
        if response.status_code == 404 and not path.startswith(NEVER_OLD):
            try:
                found = find_redirect(path, request.GET)
            except DatabaseError:  # the lookup must never make a 404 worse
                logger.exception("redirect lookup failed for %s", path)
                return response
            if found is not None:
                return HttpResponsePermanentRedirect(found.destination())
        return response
