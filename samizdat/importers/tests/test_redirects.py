"""Every old URL of the classic export answers 301 to its new address; real URLs win."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage

from samizdat.importers.models import ImportedItem, Redirect

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(run_import, uploads):
    run_import("classic.xml", "--media-dir", str(uploads))


def target(kind: str, wp_id: int):
    return ImportedItem.objects.get(kind=kind, wp_id=wp_id).target


def moved(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 301, (url, response.status_code)
    return response["Location"]


def test_query_links_permalinks_and_guids(client, imported):
    post = target("post", 101).get_absolute_url()
    assert post == "/ru/analiz/zayavlenie-o-cenah/"
    assert moved(client, "/?p=101") == post
    assert moved(client, "/index.php?p=101") == post
    assert moved(client, "/2024/05/zayavlenie-o-cenah/") == post
    assert moved(client, "/2024/05/zayavlenie-o-cenah") == post  # without the slash
    assert moved(client, "/2024/05/zayavlenie-o-cenah/?utm_source=tg") == post
    page = target("page", 301).get_absolute_url()
    assert moved(client, "/?page_id=301") == page
    assert moved(client, "/" + quote("о-нас") + "/") == page


def test_categories_tags_attachments_and_media_paths(client, imported):
    assert moved(client, "/category/analiz/") == "/ru/analiz/"
    assert moved(client, "/?cat=3") == "/ru/analiz/"
    assert moved(client, "/category/" + quote("новости") + "/") == "/ru/novosti/"
    assert moved(client, "/category/analiz/ekonomika/") == "/ru/tags/ekonomika/"
    assert (
        moved(client, "/tag/" + quote("забастовка") + "/")
        == "/ru/tags/" + quote("забастовка") + "/"
    )
    photo = default_storage.url(target("attachment", 201).file.name)
    assert moved(client, "/wp-content/uploads/2024/05/miting.jpg") == photo
    assert moved(client, "/wp-content/uploads/2024/05/miting-640x480.jpg") == photo
    assert moved(client, "/2024/05/zayavlenie-o-cenah/miting/") == photo  # attachment page
    fields = default_storage.url(target("attachment", 202).file.name)
    assert moved(client, "/?attachment_id=202") == fields


def test_root_and_unknown_ids_still_go_home(client, imported):
    assert client.get("/").status_code == 302
    response = client.get("/?p=999999")
    assert response.status_code == 302 and response["Location"] == "/ru/"
    assert client.get("/2099/01/nothing-here/").status_code == 404


def test_a_redirect_never_shadows_a_real_page(client, imported):
    post = target("post", 101)
    Redirect.objects.create(old_path=post.get_absolute_url(), new_url="/elsewhere/")
    assert client.get(post.get_absolute_url()).status_code == 200


def test_redirects_follow_a_later_slug_change(client, imported):
    post = target("post", 101)
    post.slug = "o-zakupochnyh-cenah"
    post.save()
    assert moved(client, "/?p=101") == "/ru/analiz/o-zakupochnyh-cenah/"


def test_redirect_admin_lists_and_searches(admin_client, imported):
    response = admin_client.get("/admin/importers/redirect/?q=miting")
    assert response.status_code == 200
    assert "/wp-content/uploads/2024/05/miting.jpg" in response.content.decode()


def test_a_failing_lookup_leaves_the_404_alone(client, monkeypatch):
    from django.db import DatabaseError

    from samizdat.importers import middleware

    def broken(path, query):
        raise DatabaseError("database went away")

    monkeypatch.setattr(middleware, "find_redirect", broken)
    assert client.get("/2024/05/anything/").status_code == 404


def test_our_own_areas_are_never_looked_up(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/.well-known/nothing").status_code == 404
