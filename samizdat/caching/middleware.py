"""Responses that did not say they are public are private: a shared cache must never keep a
page that could carry something meant for one reader (error pages, forms, the admin)."""

from django.utils.cache import patch_cache_control


class PrivateByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response
