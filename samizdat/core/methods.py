"""HTTP methods answered as such: OPTIONS gets ``Allow`` and no body, TRACE and any method a
URL does not take get 405 — never the page (function views would otherwise render it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import Resolver404, resolve

READ = ("GET", "HEAD")
# Views that take more than GET and HEAD, by URL name; the admin handles its own forms.
VIEW_METHODS = {
    "discussion:post": ("POST",),
    "discussion:unsubscribe": (*READ, "POST"),
    "discussion:confirm": (*READ, "POST"),
}
# The admin and the staff sign-in pages (accounts, passkeys) handle their own forms.
NAMESPACE_METHODS = {
    "admin": (*READ, "POST"),
    "accounts": (*READ, "POST"),
    "otp_webauthn": (*READ, "POST"),
    "newsletter": (*READ, "POST"),  # each view says which it takes (require_http_methods)
}


def allowed_methods(request: HttpRequest) -> tuple[str, ...]:
    match = request.resolver_match
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return READ
    if match.view_name in VIEW_METHODS:
        return VIEW_METHODS[match.view_name]
    for namespace in match.namespaces:
        if namespace in NAMESPACE_METHODS:
            return NAMESPACE_METHODS[namespace]
    return READ


def _allow(methods: tuple[str, ...]) -> str:
    return ", ".join((*methods, "OPTIONS"))


class HttpMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "TRACE":  # before any view: nothing may echo the request
            response = HttpResponseNotAllowed([])
            response["Allow"] = _allow(allowed_methods(request))
            return response
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, args, kwargs):
        methods = allowed_methods(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = _allow(methods)
            return response
        if request.method not in methods:
            response = HttpResponseNotAllowed(methods)
            response["Allow"] = _allow(methods)
            return response
        return None
