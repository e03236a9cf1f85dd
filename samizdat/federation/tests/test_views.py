"""WebFinger, NodeInfo, the actor (content negotiation), outbox pages, followers, objects."""

from __future__ import annotations

import pytest

from samizdat.federation import activities
from samizdat.federation.models import Actor

pytestmark = pytest.mark.django_db
AP = {"Accept": "application/activity+json"}
LD = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}


def test_webfinger(client):
    response = client.get("/.well-known/webfinger", {"resource": "acct:ru@testserver"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/jrd+json")
    data = response.json()
    assert data["subject"] == "acct:ru@testserver"
    [self_link] = [link for link in data["links"] if link["rel"] == "self"]
    assert self_link == {
        "rel": "self",
        "type": "application/activity+json",
        "href": "http://testserver/ap/ru/",
    }


@pytest.mark.parametrize(
    "resource, status",
    [
        ("", 400),
        ("acct:zz@testserver", 404),
        ("acct:ru@elsewhere.example", 404),
        ("acct:ru", 404),
        ("mailto:ru@testserver", 404),
        ("http://testserver/ap/kk/", 200),
    ],
)
def test_webfinger_resources(client, resource, status):
    assert client.get("/.well-known/webfinger", {"resource": resource}).status_code == status


def test_nodeinfo(client):
    links = client.get("/.well-known/nodeinfo").json()["links"]
    info = client.get(links[0]["href"].removeprefix("http://testserver")).json()
    assert info["protocols"] == ["activitypub"]
    assert info["software"]["name"] == "samizdat"


@pytest.mark.parametrize("headers", [AP, LD])
def test_actor_document(client, headers):
    response = client.get("/ap/kk/", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/activity+json")
    assert "Accept" in response["Vary"]
    actor = response.json()
    assert actor["type"] == "Organization"
    assert actor["preferredUsername"] == "kk"
    assert actor["publicKey"] == {
        "id": "http://testserver/ap/kk/#main-key",
        "owner": "http://testserver/ap/kk/",
        "publicKeyPem": Actor.objects.get(language="kk").public_key,
    }
    assert actor["endpoints"]["sharedInbox"] == "http://testserver/ap/inbox/"
    # The key pair stays: a second request shows the same key.
    assert client.get("/ap/kk/", headers=headers).json()["publicKey"] == actor["publicKey"]


def test_private_key_is_stored_encrypted(client):
    client.get("/ap/ru/", headers=AP)
    stored = Actor.objects.get(language="ru").private_key
    assert stored.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")


def test_actor_for_a_browser_redirects_to_the_site(client):
    response = client.get("/ap/en/", headers={"Accept": "text/html"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_unknown_actor_is_404(client):
    assert client.get("/ap/zz/", headers=AP).status_code == 404
    assert client.get("/ap/zz/outbox/", headers=AP).status_code == 404


def test_outbox_pages(client, make_statement, monkeypatch):
    monkeypatch.setattr(activities, "PAGE_SIZE", 2)
    made = [make_statement(f"Заявление {n}") for n in range(3)]
    make_statement("Черновик", status="draft")
    collection = client.get("/ap/ru/outbox/", headers=AP).json()
    assert collection["type"] == "OrderedCollection"
    assert collection["totalItems"] == 3
    first = client.get("/ap/ru/outbox/?page=1", headers=AP).json()
    assert first["type"] == "OrderedCollectionPage"
    assert first["next"] == "http://testserver/ap/ru/outbox/?page=2"
    second = client.get("/ap/ru/outbox/?page=2", headers=AP).json()
    titles = [item["object"]["name"] for item in first["orderedItems"] + second["orderedItems"]]
    assert titles == [s.title for s in made]
    item = first["orderedItems"][0]["object"]
    assert item["type"] == "Article"
    assert item["attributedTo"] == "http://testserver/ap/ru/"
    assert item["inReplyTo"] is None
    assert item["contentMap"] == {"ru": made[0].body_html}
    assert client.get("/ap/ru/outbox/?page=3", headers=AP).status_code == 404
    assert client.get("/ap/ru/outbox/?page=x", headers=AP).status_code == 400


def test_empty_outbox(client):
    assert client.get("/ap/en/outbox/?page=1", headers=AP).json()["orderedItems"] == []


def test_followers_collection_gives_a_count(client):
    data = client.get("/ap/ru/followers/", headers=AP).json()
    assert data == {**data, "type": "OrderedCollection", "totalItems": 0}
    assert "orderedItems" not in data


def test_statement_object(client, make_statement):
    statement = make_statement("Заявление")
    url = f"/ap/statements/{statement.pk}/"
    data = client.get(url, headers=AP).json()
    assert data["id"] == f"http://testserver{url}"
    assert data["url"] == f"http://testserver{statement.get_absolute_url()}"
    assert client.get(url, headers={"Accept": "text/html"})["Location"] == (
        statement.get_absolute_url()
    )
    draft = make_statement(status="draft")
    assert client.get(f"/ap/statements/{draft.pk}/", headers=AP).status_code == 404
