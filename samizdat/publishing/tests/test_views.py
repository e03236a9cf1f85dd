from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samizdat.publishing.models import Page, Statement, TranslationGroup
from samizdat.publishing.tests.factories import make_section, make_statement

pytestmark = pytest.mark.django_db

BREADCRUMB_HOME = {"ru": "Главная", "kk": "Басты бет", "en": "Home"}
SECTION_NAME = {"ru": "Анализ", "kk": "Талдау", "en": "Analysis"}


@pytest.fixture
def group_of_three():
    group = TranslationGroup.objects.create()
    statements = {
        lang: make_statement(title=f"Title {lang}", language=lang, translation_group=group)
        for lang in ("ru", "kk", "en")
    }
    return statements


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_statement_page_has_breadcrumb_issuer_and_other_versions(client, group_of_three, language):
    statement = group_of_three[language]
    html = client.get(statement.get_absolute_url()).content.decode()
    crumb = f'{BREADCRUMB_HOME[language]}</a> » <a href="/{language}/analysis/">'
    assert crumb in html
    assert (
        f'{SECTION_NAME[language]}</a> » <span aria-current="page">Title {language}</span>' in html
    )
    assert statement.issuer in html
    assert f'<html lang="{language}" dir="ltr">' in html
    positions = []
    for other, version in group_of_three.items():
        if other != language:
            link = f'href="{version.get_absolute_url()}" hreflang="{other}"'
            assert link in html
            positions.append(html.index(link))
    assert positions == sorted(positions)  # versions listed in the site's language order


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_home_and_section_list_only_their_language(client, language):
    mine = make_statement(title=f"mine-{language}", language=language)
    other = make_statement(title="someone else", language="ru" if language != "ru" else "en")
    for url in (f"/{language}/", f"/{language}/analysis/"):
        html = client.get(url).content.decode()
        assert mine.title in html
        assert other.title not in html


def test_drafts_and_future_statements_are_hidden_until_their_time(client):
    draft = make_statement(title="draft", status=Statement.Status.DRAFT)
    future = make_statement(
        title="future",
        status=Statement.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(minutes=5),
    )
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(future.get_absolute_url()).status_code == 404
    assert "future" not in client.get("/ru/").content.decode()
    # Time passes: no cron job, the query alone makes it visible.
    Statement.objects.filter(pk=future.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(future.get_absolute_url()).status_code == 200
    assert list(Statement.objects.published()) == [future]


def test_section_pagination(client, settings):
    settings.STATEMENTS_PER_PAGE = 2
    start = timezone.now() - timedelta(days=1)
    for i in range(5):  # s4 is the newest
        make_statement(title=f"s{i}", published_at=start + timedelta(minutes=i))
    first = client.get("/ru/analysis/").content.decode()
    assert [t for t in ("s4", "s3", "s2", "s1") if f">{t}<" in first] == ["s4", "s3", "s2"]
    assert 'rel="next" href="/ru/analysis/page/1/"' in first
    oldest = client.get("/ru/analysis/page/1/")
    assert oldest.status_code == 200
    body = oldest.content.decode()
    assert ">s1<" in body and ">s0<" in body and ">s2<" not in body
    assert 'rel="prev" href="/ru/analysis/"' in body and 'rel="next"' not in body
    assert client.get("/ru/analysis/page/2/").status_code == 404


def test_archive_pages_are_numbered_from_the_oldest_and_stay_put(client, settings):
    settings.STATEMENTS_PER_PAGE = 2
    start = timezone.now() - timedelta(days=1)
    for i in range(6):
        make_statement(title=f"s{i}", published_at=start + timedelta(minutes=i))
    page1 = client.get("/ru/analysis/page/1/").content.decode()
    assert "Архив, страница 1" in page1
    assert 'rel="prev" href="/ru/analysis/page/2/"' in page1
    page2 = client.get("/ru/analysis/page/2/").content.decode()
    assert ">s2<" in page2 and ">s3<" in page2 and 'rel="prev" href="/ru/analysis/"' in page2
    for i in range(6, 9):  # later publications change the listing, never page 1 or 2's list
        make_statement(title=f"s{i}", published_at=start + timedelta(minutes=i))
        again = client.get("/ru/analysis/page/1/").content.decode()
        assert again.split("<main")[1] == page1.split("<main")[1]
    assert ">s2<" in client.get("/ru/analysis/page/2/").content.decode()
    assert client.get("/ru/analysis/page/3/").status_code == 200  # 9 = 2 + 2 + 2 + 3
    assert client.get("/ru/analysis/page/4/").status_code == 404


def test_tag_page_and_pages(client):
    statement = make_statement(title="tagged one", tags=["water"])
    assert "tagged one" in client.get("/ru/tags/water/").content.decode()
    assert 'href="/ru/tags/water/"' in client.get(statement.get_absolute_url()).content.decode()
    Page.objects.create(language="en", slug="about", title="About us", body="We **are** here.")
    html = client.get("/en/pages/about/").content.decode()
    assert "<strong>are</strong>" in html
    assert 'href="/en/pages/about/"' in client.get("/en/").content.decode()  # footer link


@pytest.mark.parametrize(
    "accept, target",
    [("kk,ru;q=0.8", "/kk/"), ("en-US,en;q=0.9", "/en/"), ("de", "/ru/"), ("", "/ru/")],
)
def test_root_redirects_by_accept_language(client, accept, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == target


def test_404_page_is_in_site_style_and_language(client):
    response = client.get("/kk/no-such-section/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Бет табылмады" in html and "site.css" in html


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_statement_page_query_count_is_constant(client):
    small = make_statement(title="small", tags=["a"])
    big_group = TranslationGroup.objects.create()
    big = make_statement(
        title="big", translation_group=big_group, tags=[f"t{i}" for i in range(25)]
    )
    for lang in ("kk", "en"):
        make_statement(language=lang, translation_group=big_group)
    client.get("/ru/")  # warm the navigation cache
    assert _count_queries(client, small.get_absolute_url()) == _count_queries(
        client, big.get_absolute_url()
    )


def test_section_page_query_count_is_constant(client):
    make_statement(title="one")
    client.get("/ru/")  # warm the navigation cache
    few = _count_queries(client, "/ru/analysis/")
    for i in range(30):
        make_statement(title=f"more {i}", tags=["x", "y"])
    client.get("/ru/")  # the navigation is cached per content version: warm it again
    assert _count_queries(client, "/ru/analysis/") == few
    assert _count_queries(client, "/ru/analysis/page/2/") == few


def test_navigation_lists_sections_in_page_language(client):
    make_section("news", name_ru="Новости", name_kk="Жаңалықтар", name_en="News")
    assert ">Жаңалықтар</a>" in client.get("/kk/").content.decode()
    assert ">News</a>" in client.get("/en/").content.decode()


def test_dates_are_written_the_local_way(client):
    from datetime import datetime

    when = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    pages = {lang: make_statement(language=lang, published_at=when) for lang in ("ru", "kk", "en")}
    expected = {"ru": "3 ноября 2026 г.", "kk": "3 Қараша 2026 ж.", "en": "Nov. 3, 2026"}
    for lang, statement in pages.items():
        assert expected[lang] in client.get(statement.get_absolute_url()).content.decode()


def test_the_one_to_one_rows_parts_read_come_with_the_statement(client):
    """Signature, translation state and comment settings: joined into the statement's query
    (``register_relation``), so a statement that has them costs no more queries."""
    from samizdat.authenticity.models import StatementSignature
    from samizdat.discussion.models import CommentPolicy
    from samizdat.history.models import TranslationState
    from samizdat.publishing import panels
    from samizdat.publishing.views import get_public_statement

    assert {"signature", "translation_state", "comment_policy"} <= set(panels.relations())
    plain = make_statement(title="plain", slug="plain")
    rich = make_statement(title="rich", slug="rich")
    StatementSignature.objects.create(
        statement=rich, text="x", text_sha256="0" * 64, minisig="", key_id="K",
        url="/", signed_at=timezone.now(),
    )  # fmt: skip
    CommentPolicy.objects.create(statement=rich, comments_open=False)
    TranslationState.objects.create(statement=rich, is_original=True)
    loaded = get_public_statement(rich.section.slug, rich.slug, "ru")
    missing = object()
    for name in panels.relations():
        assert panels.loaded_relation(loaded, name, missing) is not missing, name
    assert panels.loaded_relation(loaded, "comment_policy").comments_open is False
    bare = get_public_statement(plain.section.slug, plain.slug, "ru")
    assert panels.loaded_relation(bare, "signature", missing) is None
    assert (
        panels.loaded_relation(Statement.objects.get(pk=rich.pk), "signature", missing) is missing
    )
    client.get("/ru/")  # warm the navigation cache
    assert _count_queries(client, rich.get_absolute_url()) == _count_queries(
        client, plain.get_absolute_url()
    )
    page = client.get(rich.get_absolute_url()).content.decode()
    assert (
        'id="comment-form"' not in page
        and "comment-form" in client.get(plain.get_absolute_url()).content.decode()
    )
