"""Outside the language prefix: ``robots.txt``, ``sitemap.xml`` and its parts once split."""

from django.urls import path, register_converter

from . import views


class SitemapPartConverter:
    """1..99999 without leading zeros: one spelling per part."""

    regex = "[1-9][0-9]{0,4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(SitemapPartConverter, "sitemappart")

app_name = "syndication_root"
urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("sitemap-<sitemappart:page>.xml", views.sitemap_page, name="sitemap-page"),
]
