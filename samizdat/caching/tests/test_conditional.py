"""Conditional GETs through the test client: 304 while nothing changed, 200 after any change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samizdat.discussion import captcha
from samizdat.discussion.models import Comment, CommentPolicy

from .conftest import FILE_URLS, PUBLIC_URLS


def validators(response) -> dict:
    return {
        "HTTP_IF_NONE_MATCH": response["ETag"],
        "HTTP_IF_MODIFIED_SINCE": response["Last-Modified"],
    }


def assert_shareable(response) -> None:
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "no-cache" in cache_control, cache_control
    assert not response.cookies, response.cookies
    assert "cookie" not in response.get("Vary", "").lower(), response.get("Vary")


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_page_revalidates_without_rendering(client, site, url):
    first = client.get(url)
    assert first.status_code == 200, url
    assert_shareable(first)
    assert first["ETag"].startswith('W/"') and first["Last-Modified"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert_shareable(again)
    assert len(queries) == 1, [q["sql"] for q in queries]  # the content version, nothing else
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304


@pytest.mark.parametrize("url", FILE_URLS)
def test_plain_files_get_etags_from_their_bytes(client, site, url):
    first = client.get(url)
    assert first.status_code == 200
    assert_shareable(first)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_public_key_is_cacheable_and_follows_key_changes(client, db, signing_key):
    first = client.get("/.well-known/samizdat.pub")
    assert first.status_code == 200
    assert_shareable(first)
    assert client.get("/.well-known/samizdat.pub", **validators_etag(first)).status_code == 304


def validators_etag(response) -> dict:
    return {"HTTP_IF_NONE_MATCH": response["ETag"]}


def test_head_and_get_share_validators(client, site):
    get = client.get("/ru/")
    head = client.head("/ru/", HTTP_IF_NONE_MATCH=get["ETag"])
    assert head.status_code == 304


def test_languages_have_their_own_validators(client, site):
    assert client.get("/ru/feeds/atom.xml")["ETag"] != client.get("/kk/feeds/atom.xml")["ETag"]


# --- the statement page and its comment challenge ----------------------------------------------


def test_statement_with_open_comments_is_private_and_names_its_token(client, site):
    url = site["first"].get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    assert first["Cache-Control"].replace(" ", "").split(",") == ["private", "no-cache"]
    assert not first.has_header("Last-Modified")  # a date cannot say which token a copy holds
    token = first.wsgi_request.comment_token
    nonce = captcha.read_token(token, site["first"].pk).nonce
    assert nonce in first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert "private" in again["Cache-Control"]
    # Another reader's copy (another token) is just as good while it is fresh.
    other = client.get(url)
    assert other["ETag"] != first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=other["ETag"]).status_code == 304


def test_a_copy_whose_token_was_spent_is_not_reused(client, site):
    url = site["first"].get_absolute_url()
    first = client.get(url)
    captcha.spend(captcha.read_token(first.wsgi_request.comment_token, site["first"].pk))
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again.wsgi_request.comment_token != first.wsgi_request.comment_token


def test_a_copy_whose_token_is_old_is_not_reused(client, site, monkeypatch, settings):
    url = site["first"].get_absolute_url()
    first = client.get(url)
    issued = captcha.read_token(first.wsgi_request.comment_token, site["first"].pk).issued
    half = settings.COMMENT_TOKEN_MAX_AGE / 2
    monkeypatch.setattr(captcha, "now", lambda: issued + half - 5)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    monkeypatch.setattr(captcha, "now", lambda: issued + half + 5)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_forged_token_part_never_gives_a_304_of_changed_content(client, site):
    url = site["first"].get_absolute_url()
    tag = client.get(url)["ETag"].removeprefix('W/"').split(".")[0]
    site["first"].title = "Изменено"
    site["first"].save()
    forged = f'W/"{tag}.AAAAAAAAAAAAAAAA.{int(captcha.now())}"'
    assert client.get(url, HTTP_IF_NONE_MATCH=forged).status_code == 200


def test_statement_with_closed_comments_is_public(client, site):
    statement = site["first"]
    CommentPolicy.objects.create(statement=statement, comments_open=False)
    first = client.get(statement.get_absolute_url())
    assert_shareable(first)
    assert "." not in first["ETag"]
    assert client.get(statement.get_absolute_url(), **validators(first)).status_code == 304


def test_statement_page_304_costs_no_rendering(client, site):
    url = site["first"].get_absolute_url()
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # content versions (the URL → statement lookup is cached), spent-nonce check
    assert len(queries) == 2, [q["sql"] for q in queries]


def test_comment_approved_elsewhere_keeps_this_statement_valid(client, site):
    """Comments bump only their own statement: other pages keep their 304."""
    url = site["second"].get_absolute_url()
    first = client.get(url)
    Comment.objects.create(
        statement=site["first"], language="ru", name="Айгерим", text="Да.", status="approved"
    )
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


@pytest.mark.parametrize("url", ["/ru/", "/ru/analysis/", "/ru/feeds/atom.xml", "/sitemap.xml"])
def test_cookies_change_nothing_on_public_pages(client, site, admin_user, url):
    """A logged-in editor or a returning commenter gets the very page everybody gets."""
    anonymous = client.get(url)
    client.force_login(admin_user)
    client.cookies["samizdat_commenter"] = "signed-value"
    with_cookies = client.get(url)
    assert_shareable(anonymous)
    # A staff session is looked at (its expiry): that answer is private; the page and its
    # validators are the same as everybody's.
    assert "private" in with_cookies["Cache-Control"]
    assert with_cookies["ETag"] == anonymous["ETag"]
    assert with_cookies.content == anonymous.content
