"""The page cache: rendered once, served many, never stale, never one reader's.

Every test starts with an empty cache (conftest). ``X-Samizdat-Cache`` says what happened:
``miss`` (rendered and stored), ``hit`` (served from the cache) or ``bypass``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, TestCase
from django.utils import timezone

from samizdat.caching import pages, versions
from samizdat.discussion import captcha, services
from samizdat.discussion.models import Comment, CommentPolicy
from samizdat.discussion.templatetags.discussion import MARKER
from samizdat.publishing import lifecycle
from samizdat.publishing.models import Statement
from samizdat.publishing.tests.factories import make_statement

from .conftest import PUBLIC_URLS

FIRST = "/ru/analysis/first/"


def _get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_are_rendered_once_then_cost_one_query(
    client, site, url, django_assert_num_queries
):
    first = _get(client, url)
    assert first["X-Samizdat-Cache"] == "miss"
    with django_assert_num_queries(1):  # the content versions, nothing else
        second = _get(client, url)
    assert second["X-Samizdat-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == first["Cache-Control"]
    assert not second.cookies


def _without_form(response) -> bytes:
    html = response.content.decode()
    start = html.index('<form id="comment-form"')
    end = html.index("</form>", start)
    return (html[:start] + html[end:]).encode()


def test_statement_page_costs_one_query_and_every_answer_has_its_own_challenge(
    client, site, django_assert_num_queries
):
    first = _get(client, FIRST)
    assert first["X-Samizdat-Cache"] == "miss"
    with django_assert_num_queries(1):  # the versions of site and comments:<id>
        second = _get(client, FIRST)
    assert second["X-Samizdat-Cache"] == "hit"
    one, two = first.wsgi_request.comment_token, second.wsgi_request.comment_token
    assert one and two and one != two
    assert one.encode() in first.content and two.encode() in second.content
    assert one.encode() not in second.content
    assert MARKER.encode() not in second.content and b"sz-token" not in second.content
    assert _without_form(first) == _without_form(second)  # the rest is the same page
    assert "private" in second["Cache-Control"]  # the token is this reader's
    # the challenge on the page is the one the token stands for
    parts = captcha.read_token(two, site["first"].pk).challenge.parts("ru")
    assert f"{parts['operator']} ".encode() in second.content
    assert parts["result_words"].encode() in second.content


def test_the_spliced_challenge_is_one_time(client, site, settings):
    settings.COMMENT_MIN_SECONDS = 0
    _get(client, FIRST)
    page = _get(client, FIRST)
    assert page["X-Samizdat-Cache"] == "hit"
    token = page.wsgi_request.comment_token
    answer = captcha.read_token(token, site["first"].pk).challenge.answer
    data = {"name": "Асель", "text": "Первый ответ.", "token": token, "answer": str(answer)}
    url = f"/ru/comments/{site['first'].pk}/"
    assert client.post(url, data).status_code == 302
    replay = client.post(url, {**data, "text": "Второй раз тот же жетон."})
    assert replay.status_code == 400
    assert "reused" in replay.context["comment_form"].error_codes()
    assert Comment.objects.filter(statement=site["first"]).count() == 1


# --- every kind of change shows on the next request -------------------------------------------


def _comment(statement, status=Comment.Status.APPROVED, text="Согласен полностью."):
    return Comment.objects.create(
        statement=statement, language="ru", name="Ерлан", text=text, status=status
    )


def _publish(site):
    draft = make_statement(
        title="Свежее заявление", slug="fresh", section=site["section"], status="draft"
    )
    lifecycle.publish(draft)


def _revise_title(site):
    lifecycle.revise(site["first"], title="Первое заявление, исправленное")


def _revise_body(site):
    lifecycle.revise(site["first"], body="Совершенно новый текст заявления.")


def _unpublish(site):
    lifecycle.unpublish(site["second"])


def _approve(site):
    services.moderate([_comment(site["first"], Comment.Status.PENDING)], Comment.Status.APPROVED)


def _remove(site):
    services.moderate(Comment.objects.filter(statement=site["first"]), Comment.Status.REMOVED)


def _link(site):
    with TestCase.captureOnCommitCallbacks(execute=True):
        lifecycle.link_translation(site["first"], site["english"])


def _unlink(site):
    with TestCase.captureOnCommitCallbacks(execute=True):
        lifecycle.unlink_translation(site["first"])


def _rename_section(site):
    site["section"].names = {**site["section"].names, "ru": "Разбор полётов"}
    site["section"].save()


def _edit_page(site):
    site["page"].body = "Мы — движение за чистую воду."
    site["page"].save()


def _close_comments(site):
    CommentPolicy.objects.create(statement=site["first"], comments_open=False)


# change → (url, text shown before or None, text shown after or None)
CHANGES = {
    "published": (_publish, "/ru/", None, "Свежее заявление"),
    "published (listing)": (_publish, "/ru/analysis/", None, "Свежее заявление"),
    "published (feed)": (_publish, "/ru/feeds/atom.xml", None, "Свежее заявление"),
    "title revised": (_revise_title, FIRST, None, "Первое заявление, исправленное"),
    "title revised (home)": (_revise_title, "/ru/", None, "Первое заявление, исправленное"),
    "body revised": (_revise_body, FIRST, None, "Совершенно новый текст"),
    "unpublished (listing)": (_unpublish, "/ru/analysis/", "Второе заявление", None),
    "unpublished (sitemap)": (_unpublish, "/sitemap.xml", "/ru/analysis/second/", None),
    "comment approved": (_approve, FIRST, None, "Согласен полностью."),
    "comment removed": (_remove, FIRST, "Уже было.", None),
    "translation linked": (_link, FIRST, None, "/en/analysis/first-en/"),
    "translation unlinked": (_unlink, FIRST, "/kk/analysis/first-kk/", None),
    "section renamed": (_rename_section, "/ru/", "Анализ", "Разбор полётов"),
    "section renamed (statement)": (_rename_section, FIRST, "Анализ", "Разбор полётов"),
    "page edited": (_edit_page, "/ru/pages/about/", None, "движение за чистую воду"),
    "comments closed": (_close_comments, FIRST, 'id="comment-form"', None),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_shows_on_the_next_request(client, site, change):
    act, url, before_text, after_text = CHANGES[change]
    if change == "comment removed":
        _comment(site["first"], text="Уже было.")
    _get(client, url)
    cached = _get(client, url)
    assert cached["X-Samizdat-Cache"] == "hit"
    if before_text:
        assert before_text in cached.content.decode()
    if after_text:
        assert after_text not in cached.content.decode()
    act(site)
    after = client.get(url)
    html = after.content.decode()
    assert after.status_code == 200
    if before_text:
        assert before_text not in html, change
    if after_text:
        assert after_text in html, change
    assert client.get(url)["X-Samizdat-Cache"] == "hit"  # and that is cached again


def test_unpublished_statement_is_gone_at_once(client, site):
    _get(client, FIRST)
    assert _get(client, FIRST)["X-Samizdat-Cache"] == "hit"
    lifecycle.unpublish(site["first"])
    assert client.get(FIRST).status_code == 404


def test_scheduled_statement_appears_when_its_time_passes(client, site, monkeypatch):
    soon = timezone.now() + dt.timedelta(hours=1)
    make_statement(
        title="Запланированное",
        slug="planned",
        section=site["section"],
        status=Statement.Status.SCHEDULED,
        published_at=soon,
    )
    _get(client, "/ru/")
    cached = _get(client, "/ru/")
    assert cached["X-Samizdat-Cache"] == "hit"
    assert "Запланированное" not in cached.content.decode()
    later = soon + dt.timedelta(seconds=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(versions, "now", lambda: int(later.timestamp()))
    lifecycle.announce_due()  # (the worker's job; the page does not wait for it)
    after = _get(client, "/ru/")
    assert "Запланированное" in after.content.decode()
    assert _get(client, "/ru/analysis/planned/").status_code == 200


def test_a_new_comment_renders_the_discussion_not_the_statement(
    client, site, django_assert_num_queries
):
    """The statement is cached under the site version; a comment only re-renders the thread,
    one page of it (50 threads), however long the discussion."""
    Comment.objects.bulk_create(
        Comment(
            statement=site["first"],
            language="ru",
            name="Ерлан",
            text=f"Комментарий номер {i}.",
            status=Comment.Status.APPROVED,
            created_at=timezone.now() - dt.timedelta(hours=600 - i),
        )
        for i in range(500)
    )
    _get(client, FIRST)
    _comment(site["first"], text="Самый новый комментарий.")
    # versions; the discussion's shape (ids), one page of comments, the comment settings;
    # no statement queries
    with django_assert_num_queries(4):
        page = _get(client, FIRST)
    assert page["X-Samizdat-Cache"] == "hit"  # the statement part came from the cache
    html = page.content.decode()
    assert "501" in html.split('id="comments-h"', 1)[1].split("</h2>", 1)[0]
    assert "Комментарий номер 0." in html and "Комментарий номер 50." not in html
    assert html.count('class="comment"') == 50
    assert f'href="{FIRST}?comments=2#comments" rel="next"' in html
    last = _get(client, FIRST + "?comments=11")
    assert "Самый новый комментарий." in last.content.decode()
    assert 'rel="prev"' in last.content.decode() and 'rel="next"' not in last.content.decode()
    beyond = _get(client, FIRST + "?comments=999")
    assert _without_form(beyond) == _without_form(last)  # the last page


def test_posting_lands_on_the_page_that_shows_the_comment(client, site, settings):
    settings.COMMENT_MIN_SECONDS = 0
    settings.COMMENT_MODERATE_FIRST = False
    settings.COMMENT_THREADS_PER_PAGE = 2
    for i in range(4):
        _comment(site["first"], text=f"Ранний {i}.")
    page = _get(client, FIRST)
    token = page.wsgi_request.comment_token
    answer = captcha.read_token(token, site["first"].pk).challenge.answer
    data = {"name": "Асель", "text": "Новый.", "token": token, "answer": str(answer)}
    posted = client.post(f"/ru/comments/{site['first'].pk}/", data)
    assert posted.status_code == 302
    assert "?comments=3&comment=posted#c" in posted["Location"]
    shown = _get(client, posted["Location"].split("#")[0])
    assert "Новый." in shown.content.decode()


# --- languages, cookies, staff, the mirror ----------------------------------------------------


def test_each_language_has_its_own_copy(client, site):
    ru = _get(client, "/ru/")
    en = _get(client, "/en/")
    assert en["X-Samizdat-Cache"] == "miss"  # not the Russian copy
    assert 'lang="en"' in en.content.decode() and 'lang="ru"' in ru.content.decode()
    assert _get(client, "/en/", HTTP_ACCEPT_LANGUAGE="ru").content == en.content
    assert _get(client, "/ru/", HTTP_ACCEPT_LANGUAGE="en").content == ru.content
    kk = _get(client, "/kk/analysis/first-kk/")
    assert 'lang="kk"' in kk.content.decode()
    assert "<h1" in kk.content.decode() and "Бірінші" in kk.content.decode()
    assert "Бірінші" not in ru.content.decode()


def test_files_outside_the_prefix_are_cached_per_language(client, site):
    ru = _get(client, "/sitemap.xml", HTTP_ACCEPT_LANGUAGE="ru")
    en = _get(client, "/sitemap.xml", HTTP_ACCEPT_LANGUAGE="en")
    assert ru["X-Samizdat-Cache"] == en["X-Samizdat-Cache"] == "miss"
    assert "Accept-Language" in en["Vary"]


def test_staff_get_the_live_render_and_never_fill_the_cache(client, site, admin_user):
    client.force_login(admin_user)
    staff = _get(client, "/ru/")
    assert staff["X-Samizdat-Cache"] == "bypass"
    assert "private" in staff["Cache-Control"]
    client.logout()
    client.cookies.clear()
    anonymous = _get(client, "/ru/")
    assert anonymous["X-Samizdat-Cache"] == "miss"  # nothing a staff request rendered
    assert not anonymous.cookies and "csrftoken" not in anonymous.content.decode()


def _request(**meta):
    request = RequestFactory().get("/ru/", **meta)
    request.COOKIES = {}
    return request


@pytest.mark.parametrize(
    "spoil",
    [
        lambda request, response: response.set_cookie("x", "1"),
        lambda request, response: request.META.__setitem__("CSRF_COOKIE_NEEDS_UPDATE", True),
        lambda request, response: response.headers.__setitem__("Cache-Control", "private"),
        lambda request, response: setattr(response, "status_code", 404),
    ],
    ids=["sets a cookie", "holds a CSRF token", "says private", "not a 200"],
)
def test_an_answer_for_one_reader_is_never_stored(db, spoil):
    request = _request()
    calls = []

    def render():
        calls.append(1)
        response = HttpResponse("one reader's page")
        spoil(request, response)
        return response

    pages.serve(request, "t:spoiled", render)
    second = pages.serve(_request(), "t:spoiled", lambda: HttpResponse("fresh"))
    assert second.content == b"fresh" and second[pages.HEADER] != "hit"


def test_requests_with_a_session_or_messages_cookie_bypass(db):
    pages.put("t:page", (200, b"cached", []))
    for cookie in ("sessionid", "messages"):
        request = RequestFactory().get("/ru/")
        request.COOKIES = {cookie: "x"}
        response = pages.serve(request, "t:page", lambda: HttpResponse("live"))
        assert response.content == b"live" and response[pages.HEADER] == "bypass"
    plain = pages.serve(_request(), "t:page", lambda: HttpResponse("live"))
    assert plain.content == b"cached" and plain[pages.HEADER] == "hit"


def test_the_mirror_export_renders_its_own_page(client, site):
    _get(client, FIRST)
    exported = _get(client, FIRST, **{"samizdat.export": "1"})
    html = exported.content.decode()
    assert exported["X-Samizdat-Cache"] == "bypass"
    assert MARKER not in html and 'id="comment-form"' not in html
    assert "comments-live" in html
    live = _get(client, FIRST)
    assert 'id="comment-form"' in live.content.decode()


def test_page_cache_off_by_setting(client, site, settings):
    settings.PAGE_CACHE = False
    _get(client, "/ru/")
    assert _get(client, "/ru/")["X-Samizdat-Cache"] == "bypass"
    page = _get(client, FIRST)
    assert 'id="comment-form"' in page.content.decode() and MARKER not in page.content.decode()


def test_local_copies_are_bounded_and_replaced_entries_are_checked(monkeypatch):
    """Bounded in bytes; a copy of an entry whose value is replaced is served only while its
    check accepts it, else the shared cache is read (another worker may have replaced it)."""
    monkeypatch.setattr(pages, "LOCAL_MAX_BYTES", 1000)
    pages.put("a", "x" * 100)
    assert pages.get("a") == "x" * 100
    pages.put("b", "y" * 200)  # > LOCAL_MAX_BYTES // 8: not kept locally, still shared
    assert "b" not in pages._local and pages.get("b") == "y" * 200
    for i in range(20):
        pages.put(f"k{i}", "z" * 100)
    assert pages._local_bytes <= 1000
    monkeypatch.setattr(pages, "LOCAL_MAX_BYTES", 100_000)
    pages.put("m", (1, "one"))
    pages._cache().set(pages.PREFIX + "m", (2, "two"))  # replaced by another worker
    assert pages.get("m", valid=lambda v: v[0] == 1) == (1, "one")  # the copy, still current
    assert pages.get("m", valid=lambda v: v[0] == 2) == (2, "two")  # the copy is out of date
    assert pages._local["m"] == (2, "two")
    assert pages.get("m", valid=lambda v: v[0] == 3) is None  # neither is current: recompute


def test_a_new_signing_key_changes_every_page_with_one_stat_per_request(
    client, site, signing_key, monkeypatch
):
    """Pages show the key (signature panels, the key file), so a new key is a new cache key;
    the key file is looked at once per request however many tags the page makes."""
    import os

    from samizdat.authenticity import keys
    from samizdat.caching import validators

    assert _get(client, FIRST)["X-Samizdat-Cache"] == "miss"
    assert _get(client, FIRST)["X-Samizdat-Cache"] == "hit"
    key_file = str(keys.public_key_path())
    looks = []
    real_stat = os.stat

    def counting_stat(path, *args, **kwargs):
        looks.append(str(path) == key_file)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(validators.os, "stat", counting_stat)
    assert _get(client, FIRST)["X-Samizdat-Cache"] == "hit"
    assert looks.count(True) == 1  # a cached statement page makes four tags
    keys.generate_site_key(None, force=True)  # as `samizdat keys` rotates it
    assert _get(client, FIRST)["X-Samizdat-Cache"] == "miss"
    assert _get(client, FIRST)["X-Samizdat-Cache"] == "hit"
