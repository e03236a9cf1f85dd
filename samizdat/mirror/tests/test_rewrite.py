"""Link rewriting, on tricky markup; and the URL ↔ file mapping."""

import pytest

from samizdat.mirror.paths import canonical_path, parent_paths, relative_link, url_file
from samizdat.mirror.rewrite import Rewriter, iter_references, split_srcset, transform

EXPORTED = {"/ru/", "/ru/analysis/", "/ru/analysis/x/", "/en/analysis/x/", "/ru/search/"}


def resolve(path):
    path = canonical_path(path)
    if path.startswith(("/static/", "/media/")):
        return "file", path.lstrip("/")
    if path in EXPORTED:
        return "file", url_file(path)
    if path.startswith("/admin/"):
        return "url", "https://site.example" + path
    for parent in parent_paths(path):
        if parent in EXPORTED or parent == "/":
            return "file", url_file(parent)


def search_page(action):
    return "ru/search/index.html" if "/ru/search/" in action else None


def rewrite(html, page="ru/analysis/x/index.html"):
    return Rewriter(page, resolve, search_page).html(html)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "index.html"),
        ("/ru/analysis/", "ru/analysis/index.html"),
        ("/ru/feeds/atom.xml", "ru/feeds/atom.xml"),
        ("/.well-known/samizdat.pub", ".well-known/samizdat.pub"),
        ("/ru/tags/выборы/", "ru/tags/%D0%B2%D1%8B%D0%B1%D0%BE%D1%80%D1%8B/index.html"),
        ("/ru/tags/%d0%b2/", "ru/tags/%D0%B2/index.html"),
    ],
)
def test_url_file(path, expected):
    assert url_file(path) == expected


def test_relative_links_between_files():
    assert relative_link("ru/analysis/x/index.html", "ru/index.html") == "../../index.html"
    assert relative_link("index.html", "ru/index.html") == "ru/index.html"
    assert relative_link("ru/index.html", "ru/index.html") == "index.html"
    assert parent_paths("/ru/a/page/3/") == ["/ru/a/page/", "/ru/a/", "/ru/", "/"]


def test_root_relative_links_become_page_relative_with_index_html():
    html = (
        '<a href="/ru/">home</a><a href="/en/analysis/x/#top">en</a>'
        '<link rel="stylesheet" href="/static/samizdat/site.css">'
        '<img src="/media/images/a.jpg" alt="">'
    )
    assert rewrite(html) == (
        '<a href="../../index.html">home</a><a href="../../../en/analysis/x/index.html#top">en</a>'
        '<link rel="stylesheet" href="../../../static/samizdat/site.css">'
        '<img src="../../../media/images/a.jpg" alt="">'
    )


def test_relative_absolute_and_special_links_are_left_alone():
    html = (
        '<a href="statement.txt">t</a><a href="#comments">c</a>'
        '<link rel="canonical" href="https://site.example/ru/analysis/x/">'
        '<a href="//cdn.example/x">p</a><a href="mailto:a@example.org">m</a>'
    )
    assert rewrite(html) == html


def test_tricky_markup_is_kept_byte_for_byte_except_the_links():
    html = (
        '<!DOCTYPE html>\n<!-- <a href="/ru/"> in a comment -->'
        '<script type="application/ld+json">{"url": "<a href=\\"/ru/\\">"}</script>'
        "<style>a[href='/ru/'] {color: red}</style>"
        "<p title=\"a > b\" data-x='/ru/'>x &amp; y</p>"
        "<A HREF='/ru/' class=x>upper</A>"
        "<a href=/ru/analysis/>unquoted</a>"
        '<a href="/ru/search/?q=a&amp;b=c">query</a>'
        "<br/><input disabled>"
    )
    out = rewrite(html)
    assert out.startswith(html[: html.index("<A HREF")])  # comment, script, style, title
    assert '<a href="../../index.html" class="x">upper</A>' in out
    assert '<a href="../index.html">unquoted</a>' in out
    assert '<a href="../../search/index.html?q=a&amp;b=c">query</a>' in out
    assert out.endswith("<br/><input disabled>")


def test_srcset_candidates_are_each_rewritten():
    html = '<img srcset="/media/a-480w.jpg 480w, /media/a.jpg 1200w" src="/media/a.jpg">'
    out = rewrite(html, page="ru/index.html")
    assert 'srcset="../media/a-480w.jpg 480w, ../media/a.jpg 1200w"' in out
    assert split_srcset("a.jpg, b.jpg 2x,c.jpg 3x") == [
        ("a.jpg", ""),
        ("b.jpg", "2x"),
        ("c.jpg", "3x"),
    ]


def test_missing_pages_fall_back_to_the_nearest_exported_parent_and_live_only_to_the_site():
    out = rewrite('<a href="/ru/analysis/page/9/">9</a><a href="/admin/">admin</a>')
    assert out == ('<a href="../index.html">9</a><a href="https://site.example/admin/">admin</a>')


def test_forms_that_cannot_work_offline_are_removed_and_search_forms_retargeted():
    html = (
        '<form method="post" action="/ru/comments/post/"><textarea>/ru/</textarea>'
        "<button>Send</button></form><p>after</p>"
        '<form class="search" action="https://site.example/ru/search/" method="get">'
        '<input name="q"></form>'
    )
    rewriter = Rewriter("ru/analysis/x/index.html", resolve, search_page)
    out = rewriter.html(html)
    assert "comments" not in out and "Send" not in out
    assert out.startswith("<p>after</p>")
    assert 'action="../../search/index.html"' in out
    assert rewriter.search_forms == 1


def test_unterminated_markup_does_not_swallow_the_page():
    html = '<a href="/ru/">ok</a><a href="/ru/ broken <p>text</p>'
    out = rewrite(html)
    assert out.startswith('<a href="../../index.html">ok</a>')
    assert out.endswith("<p>text</p>")
    assert transform("<!-- open comment", lambda tag: None) == "<!-- open comment"


def test_references_are_listed_for_the_checker():
    html = (
        '<a href="a/index.html">a</a><img srcset="x.jpg 1x, y.jpg 2x">'
        '<meta http-equiv="refresh" content="0; url=ru/index.html">'
        "<script>var s = '<a href=\"/nope/\">';</script>"
    )
    assert [url for _tag, _attr, url in iter_references(html)] == [
        "a/index.html",
        "x.jpg",
        "y.jpg",
        "ru/index.html",
    ]


def test_css_urls_are_rewritten():
    rewriter = Rewriter("static/samizdat/site.css", resolve, search_page)
    css = "a{background:url('/static/samizdat/bg.svg')} @import \"/static/x.css\"; b{c:url(data:x)}"
    assert rewriter.css(css) == (
        "a{background:url('bg.svg')} @import \"../x.css\"; b{c:url(data:x)}"
    )
    assert rewriter.refs == {"static/samizdat/bg.svg", "static/x.css"}


def test_relative_link_is_what_posixpath_relpath_gives():
    """relative_link is string operations only; relpath (which asks the OS for the working
    directory) is the reference, over random pairs of mirror paths."""
    import posixpath
    import random

    segments = ["ru", "kk", "en", "a", "b", "index.html", "static", "site.css", "page", "2"]
    rng = random.Random(7)
    for _ in range(20_000):
        source = "/".join(rng.choice(segments) for _ in range(rng.randint(1, 5)))
        target = "/".join(rng.choice(segments) for _ in range(rng.randint(1, 5)))
        expected = posixpath.relpath(target, posixpath.dirname(source) or ".")
        assert relative_link(source, target) == expected, (source, target)
    assert relative_link("ru/a/index.html", "ru/a/index.html") == "index.html"
    assert relative_link("ru/a/index.html", "ru/a") == "."


@pytest.mark.django_db
def test_url_maker_fills_archive_page_numbers_without_reversing_each():
    from django.urls import reverse
    from django.utils.translation import override

    from samizdat.mirror import plan

    with override("ru"):
        make = plan.UrlMaker("publishing:section-page", ("section", "page"))
        assert make.template is not None  # the number converter took the digit placeholder
        calls = []
        real = make._reverse
        make._reverse = lambda values: calls.append(values) or real(values)
        for section, page in [("analysis", 1), ("news", 12), ("a-97", 970), ("x9700", 3)]:
            expected = reverse("publishing:section-page", kwargs={"section": section, "page": page})
            assert make(section=section, page=page) == expected
        # The first URL is checked against reverse(); "x9700" holds a placeholder: reversed.
        assert [c["section"] for c in calls] == ["analysis", "x9700"]
