"""Responses that did not say they are public are private: a shared cache must never keep a
page that could carry something meant for one reader (error pages, forms, the admin).

A public answer to a request that carried a session cookie, or that sets a cookie, is made
private too. Otherwise a public answer drops ``Cookie`` from ``Vary``: middleware that merely
looked for a session (staff session checks) adds it, yet no public page depends on one.
"""

from django.conf import settings
from django.utils.cache import cc_delim_re, patch_cache_control


class PrivateByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        cache_control = response.get("Cache-Control", "")
        if not cache_control:
            patch_cache_control(response, private=True, no_cache=True)
        elif "public" in cache_control:
            if response.cookies or settings.SESSION_COOKIE_NAME in request.COOKIES:
                del response.headers["Cache-Control"]
                patch_cache_control(response, private=True, no_cache=True)
            elif response.has_header("Vary"):
                kept = [v for v in cc_delim_re.split(response["Vary"]) if v.lower() != "cookie"]
                if kept:
                    response.headers["Vary"] = ", ".join(kept)
                else:
                    del response.headers["Vary"]
        return response
