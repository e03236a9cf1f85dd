"""The real URLconf plus routes of the kinds other apps add (feeds, per-statement files, a
live-only namespace): the mirror must discover and export them without knowing them."""

from django.conf.urls.i18n import i18n_patterns
from django.http import Http404, HttpResponse
from django.urls import include, path

from samizdat.urls import urlpatterns as real_patterns


def feed(request, section=None):
    return HttpResponse(f"<feed>{section or 'all'}</feed>", content_type="application/atom+xml")


def extra_text(request, section, slug):
    if slug.startswith("zz"):
        raise Http404
    return HttpResponse(f"{section}/{slug}", content_type="text/plain; charset=utf-8")


def root_file(request):
    return HttpResponse("User-agent: *\n", content_type="text/plain")


def live_only(request):
    return HttpResponse("<form method=post></form>")


extra = (
    [
        path(
            "extra-feeds/",
            include(
                (
                    [
                        path("atom.xml", feed, name="atom"),
                        path("<slug:section>/atom.xml", feed, name="section-atom"),
                    ],
                    "extrafeeds",
                )
            ),
        ),
        path("<slug:section>/<str:slug>/extra.txt", extra_text, name="extra-text"),
    ],
    "extra",
)

urlpatterns = [
    path("extra-robots.txt", root_file, name="extra-robots"),
    *i18n_patterns(
        path("", include(extra)),
        path("comments/", include(([path("moderate/", live_only, name="x")], "discussion"))),
        prefix_default_language=True,
    ),
    *real_patterns,
]
