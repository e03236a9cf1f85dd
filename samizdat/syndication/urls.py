"""Feeds under the language prefix, as file-like URLs the static mirror writes as they are:
``/<lang>/feeds/atom.xml``, ``/<lang>/feeds/<section>/rss.xml``,
``/<lang>/feeds/tags/<tag>/feed.json`` …"""

from django.urls import path

from samizdat.caching.decorators import public_page

from .feeds import AtomFeed, RssFeed
from .jsonfeed import json_feed

app_name = "syndication"

_FILES = {
    "atom": ("atom.xml", AtomFeed()),
    "rss": ("rss.xml", RssFeed()),
    "json": ("feed.json", json_feed),
}

urlpatterns = []
for _kind, (_file, _feed) in _FILES.items():
    _view = public_page(_feed)
    urlpatterns += [
        path(_file, _view, name=_kind),
        path(f"tags/<str:tag>/{_file}", _view, name=f"tag-{_kind}"),
        path(f"<slug:section>/{_file}", _view, name=f"section-{_kind}"),
    ]
