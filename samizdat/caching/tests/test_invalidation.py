"""After any change, the next conditional GET of an affected URL gets the new page, never a
304 of the old one — by ETag and by date alike, even within the same second."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone

from samizdat.caching import versions
from samizdat.discussion import services
from samizdat.discussion.models import Comment, CommentPolicy
from samizdat.publishing import lifecycle
from samizdat.publishing.models import Statement, Tag
from samizdat.publishing.tests.factories import make_statement


def _edit(site):
    site["first"].title = "Первое заявление, исправленное"
    site["first"].save()


def _publish(site):
    make_statement(title="Новое заявление", slug="new", section=site["section"], tags=["water"])


def _unpublish(site):
    site["first"].status = Statement.Status.DRAFT
    site["first"].save()


def _delete(site):
    site["second"].delete()


def _rename_section(site):
    site["section"].names = {**site["section"].names, "ru": "Разбор"}
    site["section"].save()


def _rename_page(site):
    site["page"].title = "Кто мы"
    site["page"].save()


def _rename_tag(site):
    tag = Tag.objects.get(slug="water")
    tag.name = "вода и реки"
    tag.save()


def _retag(site):
    site["second"].tags.add(Tag.objects.get(slug="water"))


def _link_translation(site):
    # the lifecycle announces it after the commit (the test's transaction never commits)
    with TestCase.captureOnCommitCallbacks(execute=True):
        lifecycle.link_translation(site["first"], site["english"])


CHANGES = {
    "edited": _edit,
    "published": _publish,
    "unpublished": _unpublish,
    "deleted": _delete,
    "section renamed": _rename_section,
    "page renamed": _rename_page,
    "tag renamed": _rename_tag,
    "tag added": _retag,
    "translation linked": _link_translation,
}
URLS = [
    "/ru/",
    "/ru/analysis/",
    "/ru/tags/water/",
    "/ru/pages/about/",
    "/ru/feeds/atom.xml",
    "/ru/feeds/analysis/rss.xml",
    "/ru/feeds/tags/water/feed.json",
    "/sitemap.xml",
    "/ru/search/?q=заявление",
    "/ru/analysis/first/statement.txt",
]


def _conditional(client, url, response) -> dict:
    headers = {"HTTP_IF_NONE_MATCH": response["ETag"]}
    if response.has_header("Last-Modified"):
        headers["HTTP_IF_MODIFIED_SINCE"] = response["Last-Modified"]
    return headers


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("url", URLS)
def test_no_stale_304_after_a_change(client, site, change, url):
    before = client.get(url)
    assert before.status_code == 200
    assert client.get(url, **_conditional(client, url, before)).status_code == 304
    CHANGES[change](site)
    after = client.get(url, **_conditional(client, url, before))
    if after.status_code == 304:  # only right if this URL truly shows the same bytes
        assert client.get(url).content == before.content, (change, url)
    else:
        assert after.status_code in (200, 404)
        if url != "/ru/analysis/first/statement.txt":  # plain text: ETag from its bytes
            assert after.get("ETag") != before["ETag"]
    # the date alone must not give a 304 either (same second as the change)
    if before.has_header("Last-Modified") and after.status_code != 304:
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
        assert by_date.status_code != 304, (change, url)


def _open(client, statement):
    return client.get(statement.get_absolute_url())


def _comment(statement, status="approved"):
    return Comment.objects.create(
        statement=statement, language="ru", name="Ерлан", text="Согласен.", status=status
    )


STATEMENT_CHANGES = {
    "edited": _edit,
    "translation linked": _link_translation,
    "section renamed": _rename_section,
    "comment approved": lambda site: services.moderate(
        [_comment(site["first"], "pending")], Comment.Status.APPROVED
    ),
    "comment removed": lambda site: services.moderate(
        Comment.objects.filter(statement=site["first"]), Comment.Status.REMOVED
    ),
    "comments closed": lambda site: CommentPolicy.objects.create(
        statement=site["first"], comments_open=False
    ),
}


@pytest.mark.parametrize("change", STATEMENT_CHANGES)
def test_statement_page_not_stale_after_a_change(client, site, change):
    if change == "comment removed":
        _comment(site["first"])
    before = _open(client, site["first"])
    url = site["first"].get_absolute_url()
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    STATEMENT_CHANGES[change](site)
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200, change

    def without_token(response) -> bytes:
        token = getattr(response.wsgi_request, "comment_token", None)
        return response.content.replace(token.encode(), b"") if token else response.content

    assert without_token(after) != without_token(before)


def test_statement_page_not_stale_after_unpublish(client, site):
    before = _open(client, site["first"])
    _unpublish(site)
    after = client.get(site["first"].get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 404


def test_scheduled_statement_appears_at_its_time(client, site, monkeypatch):
    """No save happens at the scheduled moment: the version notices that time has come."""
    soon = timezone.now() + dt.timedelta(hours=1)
    make_statement(
        title="Запланированное",
        slug="scheduled",
        section=site["section"],
        status=Statement.Status.SCHEDULED,
        published_at=soon,
    )
    before = client.get("/ru/")
    assert "Запланированное" not in before.content.decode()
    assert client.get("/ru/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    later = soon + dt.timedelta(seconds=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(versions, "now", lambda: int(later.timestamp()))
    after = client.get("/ru/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "Запланированное" in after.content.decode()


def test_comments_close_by_age_without_a_save(client, site, settings, monkeypatch):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 3
    statement = make_statement(
        slug="fresh", section=site["section"], published_at=timezone.now() - dt.timedelta(hours=1)
    )
    before = _open(client, statement)
    assert before.context["show_form"]
    closing = statement.published_at + dt.timedelta(days=3, seconds=5)
    monkeypatch.setattr(timezone, "now", lambda: closing)
    monkeypatch.setattr(versions, "now", lambda: int(closing.timestamp()))
    after = client.get(statement.get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert not after.context["show_form"]


def test_bumps_are_counted_and_dates_strictly_grow(db):
    versions.bump("site")
    state = versions.read()
    versions.bump("site")
    versions.bump("site")
    after = versions.read()
    assert after.site.version == state.site.version + 2
    assert after.site.changed >= state.site.changed + 2


def test_comment_closing_set_after_a_restart_still_closes(client, site, settings, monkeypatch):
    """The closing time is scheduled from the settings of the running process, not only at
    the last save (an operator may turn on closing by age and restart)."""
    from samizdat.caching import validators

    statement = make_statement(
        slug="fresh", section=site["section"], published_at=timezone.now() - dt.timedelta(hours=1)
    )
    settings.COMMENTS_CLOSE_AFTER_DAYS = 3
    monkeypatch.setattr(versions, "_checked_schedule", False)  # a restarted process
    validators.build.cache_clear()
    before = _open(client, statement)
    assert before.context["show_form"]
    closing = statement.published_at + dt.timedelta(days=3, seconds=5)
    monkeypatch.setattr(timezone, "now", lambda: closing)
    monkeypatch.setattr(versions, "now", lambda: int(closing.timestamp()))
    after = client.get(statement.get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"])
    validators.build.cache_clear()
    assert after.status_code == 200
    assert not after.context["show_form"]


def test_held_and_spam_comments_leave_the_page_valid(client, site):
    url = site["first"].get_absolute_url()
    before = _open(client, site["first"])
    held = _comment(site["first"], "pending")
    _comment(site["first"], "spam")
    services.moderate([held], Comment.Status.SPAM)
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    services.moderate([held], Comment.Status.APPROVED)
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and "Согласен." in after.content.decode()
    shown = client.get(url)
    Comment.objects.filter(pk=held.pk).first().delete()
    assert client.get(url, HTTP_IF_NONE_MATCH=shown["ETag"]).status_code == 200


def test_navigation_is_never_older_than_the_etag(client, site):
    """Another process's cache may not have seen the navigation bump (a per-process cache, an
    evicted key): the page under a new ETag must still show the new navigation."""
    from django.core.cache import cache

    from samizdat.core.site import NAV_CACHE_VERSION_KEY

    before = client.get("/ru/")
    old_nav_version = cache.get(NAV_CACHE_VERSION_KEY)
    _rename_section(site)
    cache.set(NAV_CACHE_VERSION_KEY, old_nav_version, None)  # as if this cache missed the bump
    after = client.get("/ru/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    nav = after.content.decode().split('<nav class="sections', 1)[1].split("</nav>", 1)[0]
    assert "Разбор" in nav and "Анализ" not in nav
