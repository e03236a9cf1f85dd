"""Methods, request headers that look like WSGI variables, and hostile media names (test client;
test_server.py repeats the important ones through the real gunicorn server)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from samizdat.publishing.tests.factories import make_statement

PUBLIC = ["/ru/", "/ru/analysis/", "/ru/feeds/atom.xml", "/robots.txt", "/sitemap.xml"]


@pytest.fixture
def statement(db):
    return make_statement(title="Заявление", slug="zayavlenie")


@pytest.mark.parametrize("url", PUBLIC)
def test_options_answers_allow_without_the_page(client, statement, url):
    response = client.options(url)
    assert response.status_code == 204
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.content == b""


@pytest.mark.parametrize("url", PUBLIC)
def test_trace_is_refused_and_echoes_nothing(client, statement, url):
    response = client.trace(url, HTTP_X_SECRET="echo-me")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert b"echo-me" not in response.content and b"<html" not in response.content


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_on_a_page_are_405_with_allow(client, statement, method):
    response = getattr(client, method)("/ru/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_comment_endpoint_allows_post(client, statement):
    response = client.options(f"/ru/comments/{statement.pk}/")
    assert response.status_code == 204 and response["Allow"] == "POST, OPTIONS"
    assert client.get(f"/ru/comments/{statement.pk}/").status_code == 405


def test_admin_still_takes_its_forms(client, db):
    response = client.options("/admin/login/")
    assert response["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["SCRIPT_NAME", "HTTP_SCRIPT_NAME", "HTTP_X_SCRIPT_NAME", "HTTP_X_FORWARDED_PREFIX"],
)
def test_a_script_name_from_the_client_changes_no_url(client, statement, header):
    root = client.get("/", **{header: "/evil"})
    assert root["Location"] == "/ru/"
    page = client.get("/ru/", **{header: "/evil"}).content.decode()
    assert "/evil" not in page
    assert 'href="/ru/analysis/zayavlenie/"' in page


def test_forwarded_host_changes_no_url(client, statement):
    response = client.get("/ru/", HTTP_X_FORWARDED_HOST="evil.example")
    assert b"evil.example" not in response.content
    assert client.get("/", HTTP_X_FORWARDED_HOST="evil.example")["Location"] == "/ru/"


@pytest.mark.parametrize(
    "name",
    [
        "a" * 300 + ".jpg",
        "a" * 5000 + ".jpg",
        "images/" + "b" * 256,
        "/".join(["c" * 200] * 30),
        "../secret_key",
        "images/../../secret_key",
        "..",
        "%2e%2e/secret_key",
    ],
)
def test_media_names_that_cannot_be_files_are_404(client, db, name):
    assert client.get(f"/media/{name}").status_code == 404


def test_media_with_nul_is_refused_before_any_view(client, db):
    assert client.get("/media/a%00.jpg").status_code == 400


def test_media_files_are_served_with_cache_headers(client, db):
    path = default_storage.save("images/test/dot.txt", ContentFile(b"dot"))
    response = client.get(f"/media/{path}")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"dot"
    assert "public" in response["Cache-Control"]
    assert (
        client.get(f"/media/{path}", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code
        == 304
    )


def test_confirm_and_unsubscribe_links_take_get_and_post(client, db):
    for name in ("confirm", "unsubscribe"):
        response = client.options(f"/ru/comments/{name}/some-token/")
        assert response["Allow"] == "GET, HEAD, POST, OPTIONS", name
