"""Root files: ``sitemap.xml`` and, past ``SITEMAP_LIMIT`` URLs, the files it indexes; robots.

While the whole site fits in one sitemap, ``/sitemap.xml`` is that sitemap. Past the limit it
becomes a sitemap index of ``/sitemap-1.xml``, ``/sitemap-2.xml`` … — file-like URLs the
static mirror can write as they are.
"""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from samizdat import languages
from samizdat.caching.decorators import public_file, public_page

from .links import absolute_url
from .sitemaps import SiteSitemap

XML = "application/xml; charset=utf-8"
NOINDEX = {"X-Robots-Tag": "noindex"}


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def _w3c_datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def urlset_xml(urls: list[dict]) -> str:
    """The ``<urlset>`` of ``Sitemap.get_urls()`` output (what Django's sitemap.xml renders,
    built as a string: a template costs more than the rest of a 50,000-URL file)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n'
    ]
    for url in urls:
        out.append(f"<url><loc>{escape(url['location'])}</loc>")
        if url["lastmod"]:
            out.append(f"<lastmod>{_w3c_datetime(url['lastmod'])}</lastmod>")
        for alt in url["alternates"]:
            out.append(
                f'\n <xhtml:link rel="alternate" hreflang={quoteattr(alt["lang_code"])} '
                f"href={quoteattr(alt['location'])}/>"
            )
        out.append("</url>\n")
    out.append("</urlset>\n")
    return "".join(out)


def index_xml(entries: list[dict]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for entry in entries:
        lastmod = entry["lastmod"]
        out.append(
            f"<sitemap><loc>{escape(entry['location'])}</loc>"
            + (f"<lastmod>{_w3c_datetime(lastmod)}</lastmod>" if lastmod else "")
            + "</sitemap>\n"
        )
    out.append("</sitemapindex>\n")
    return "".join(out)


def _xml(body: str) -> HttpResponse:
    return HttpResponse(body.encode("utf-8"), content_type=XML, headers=NOINDEX)


def _urlset(sitemap: SiteSitemap, page: int) -> HttpResponse:
    try:
        urls = sitemap.get_urls(page=page)
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such sitemap page") from None
    return _xml(urlset_xml(urls))


def sitemap_index_entries(sitemap: SiteSitemap) -> list[dict]:
    lastmod = sitemap.get_latest_lastmod()
    return [
        {
            "location": absolute_url(reverse("syndication_root:sitemap-page", kwargs={"page": n})),
            "lastmod": lastmod,
        }
        for n in sitemap.paginator.page_range
    ]


@public_page
def sitemap(request: HttpRequest) -> HttpResponse:
    site = SiteSitemap()
    if site.paginator.num_pages == 1:
        return _urlset(site, 1)
    return _xml(index_xml(sitemap_index_entries(site)))


@public_page
def sitemap_page(request: HttpRequest, page: int) -> HttpResponse:
    """One part of a split sitemap; none while ``/sitemap.xml`` holds everything."""
    site = SiteSitemap()
    if site.paginator.num_pages == 1:
        raise Http404("The sitemap is not split")
    return _urlset(site, page)


def robots_lines() -> list[str]:
    """Crawl everything public; keep out of the admin, search results and comment forms."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    for code in languages.codes():
        lines += [f"Disallow: /{code}/search/", f"Disallow: /{code}/comments/"]
    return [*lines, "", f"Sitemap: {absolute_url(reverse('syndication_root:sitemap'))}"]


@public_file
def robots_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse("\n".join(robots_lines()) + "\n", content_type="text/plain; charset=utf-8")
