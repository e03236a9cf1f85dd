"""Site-wide views: the root redirect and error pages in the site's style."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import loader
from django.urls import reverse
from django.utils.translation import get_language_from_request, override

from samizdat import languages


def root_redirect(request: HttpRequest) -> HttpResponse:
    """``/`` → ``/<lang>/`` by Accept-Language (default ru); vary so caches keep them apart."""
    language = get_language_from_request(request, check_path=False)
    if not languages.is_enabled(language):
        language = languages.default_code()
    # Never from request headers (SCRIPT_NAME, X-Forwarded-Prefix …): the URLconf's own prefix.
    with override(language):
        response = HttpResponseRedirect(reverse("publishing:home"))
    response["Vary"] = "Accept-Language, Cookie"
    return response


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    try:
        body = loader.render_to_string(template, {"status": status}, request)
    except Exception:  # the error page itself must never fail
        body = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
    return HttpResponse(body, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "404.html", 404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "400.html", 400)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, "500.html", 500)


MAX_MEDIA_PATH = 1024
MAX_MEDIA_NAME = 255


def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded files when the app serves them itself: any name that is no file is a 404.

    ``django.views.static.serve`` answers a name the file system refuses (too long: ENAMETOOLONG)
    with a 500 and ``..`` with a 400; neither can name an uploaded file.
    """
    from django.core.exceptions import SuspiciousFileOperation
    from django.http import Http404
    from django.utils.cache import patch_cache_control
    from django.views.static import serve

    names = path.split("/")
    if len(path) > MAX_MEDIA_PATH or any(len(n.encode()) > MAX_MEDIA_NAME for n in names):
        raise Http404
    if "\x00" in path or ".." in names:
        raise Http404
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError, SuspiciousFileOperation):
        raise Http404 from None
    patch_cache_control(response, public=True, max_age=3600)
    return response
