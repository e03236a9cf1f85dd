"""bench.http's URLconf: the public one plus /bench-hello/, a bare Django view (not public)."""

from django.http import HttpResponse
from django.urls import path

from samizdat.urls import urlpatterns as site_patterns


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench-hello/", hello), *site_patterns]
