"""URL resolution remembered per path (samizdat.core.resolving), against Django's own."""

from __future__ import annotations

import pytest
from django.core.handlers.base import BaseHandler
from django.test import RequestFactory
from django.urls import Resolver404, clear_url_caches, get_resolver
from django.utils import translation

from samizdat.core import resolving


class Handler(resolving.RememberedResolution, BaseHandler):
    pass


PATHS = [
    "/ru/",
    "/ru/analysis/",
    "/ru/analysis/page/2/",
    "/ru/analysis/some-statement/",
    "/ru/analysis/some-statement/statement.txt",
    "/ru/feeds/rss.xml",
    "/ru/search/",
    "/en/tags/water/",
    "/sitemap.xml",
    "/robots.txt",
]


def _resolve(handler, path, language):
    request = RequestFactory().get(path)
    with translation.override(language):
        return request, handler.resolve_request(request)


@pytest.mark.parametrize("path", PATHS)
def test_the_same_match_as_django_and_a_copy_each_time(path):
    language = path.split("/")[1] if path.count("/") > 2 else "ru"
    handler = Handler()
    with translation.override(language):
        expected = get_resolver().resolve(path)
    first_request, first = _resolve(handler, path, language)
    second_request, second = _resolve(handler, path, language)
    for match in (first, second):
        assert (match.func, match.args, match.kwargs) == (
            expected.func,
            expected.args,
            expected.kwargs,
        )
        assert (match.url_name, match.namespaces, match.route) == (
            expected.url_name,
            expected.namespaces,
            expected.route,
        )
    assert second_request.resolver_match is second
    assert second is not first and second.kwargs is not first.kwargs
    first.kwargs["changed"] = "by the first request's view"
    second.kwargs["changed"] = "by a view"
    assert "changed" not in _resolve(handler, path, language)[1].kwargs


def test_the_language_is_part_of_the_key():
    handler = Handler()
    assert _resolve(handler, "/ru/analysis/", "ru")[1].url_name == "section"
    with pytest.raises(Resolver404):  # Django's too: the prefix pattern is the active language's
        _resolve(handler, "/ru/analysis/", "en")


def test_failures_are_not_kept_and_the_store_is_bounded(monkeypatch):
    handler = Handler()
    with pytest.raises(Resolver404):
        _resolve(handler, "/no/such/deep/path/here/", "ru")
    assert handler._resolved == {}
    monkeypatch.setattr(resolving, "MAX_PATHS", 3)
    for n in range(7):
        _resolve(handler, f"/ru/analysis/s-{n}/", "ru")
        assert len(handler._resolved) <= 3
    assert ("/ru/analysis/s-6/", "ru") in handler._resolved


def test_a_new_urlconf_is_resolved_afresh():
    handler = Handler()
    first = _resolve(handler, "/ru/", "ru")[1]
    clear_url_caches()  # what override_settings(ROOT_URLCONF=…) does
    again = _resolve(handler, "/ru/", "ru")[1]
    assert handler._resolved[("/ru/", "ru")][0] is get_resolver()
    assert again.func == first.func
