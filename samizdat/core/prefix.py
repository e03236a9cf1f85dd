"""Django's LocaleMiddleware, except that a 404 from a view outside the language prefix
(``/media/…``, ``/sitemap-9.xml``) stays a 404.

The stock middleware answers every unprefixed 404 with a redirect to ``/<lang>/<path>/`` when
that would match a pattern — and ``/ru/media/<name>/`` always looks like a statement URL, so a
missing or hostile media name was sent on a redirect instead of getting its 404.
"""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_response(self, request, response):
        if response.status_code == 404 and getattr(request, "resolver_match", None) is not None:
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)
