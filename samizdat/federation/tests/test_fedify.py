"""Against a real, independent implementation: Fedify (the library @fedify/cli is built on).

Fedify looks up our actor, outbox and WebFinger over loopback, and runs a follower that
follows our actor, verifies our signed Accept and receives our Create, Update and Delete.
"""

from __future__ import annotations

import time

import pytest
from django.test import TestCase

from samizdat.federation import activities
from samizdat.federation.models import Delivery, Follower
from samizdat.publishing import lifecycle

from .conftest import Follower as Peer
from .conftest import run_peer

pytestmark = pytest.mark.django_db(transaction=True)


def test_fedify_looks_up_our_actor(site, fedify):
    url = f"{site.url}/ap/ru/"
    [found] = run_peer(fedify, "lookup", url)
    assert found["class"] == "Organization"
    document = found["json"]
    assert document["id"] == url
    assert document["preferredUsername"] == "ru"
    assert document["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert document["publicKey"]["owner"] == url
    assert document["inbox"] == f"{site.url}/ap/ru/inbox/"


def test_fedify_webfinger(site, fedify):
    [answer] = run_peer(fedify, "webfinger", f"{site.url}/ap/kk/")
    links = {link["rel"]: link["href"] for link in answer["json"]["links"]}
    assert links["self"] == f"{site.url}/ap/kk/"
    assert answer["json"]["subject"] == f"acct:kk@{activities.host()}"


def test_fedify_reads_the_outbox(site, fedify, make_statement):
    first = make_statement("Первое заявление", summary="Кратко о первом.")
    second = make_statement("Второе заявление")
    make_statement("Statement in English", language="en")
    lines = run_peer(fedify, "lookup", f"{site.url}/ap/ru/outbox/")
    assert lines[0]["class"] == "OrderedCollection"
    assert lines[0]["json"]["totalItems"] == 2
    items = [line for line in lines if line["event"] == "item"]
    assert [item["class"] for item in items] == ["Create", "Create"]
    assert [item["object"]["class"] for item in items] == ["Article", "Article"]
    objects = [item["object"]["json"] for item in items]
    assert [o["name"] for o in objects] == [first.title, second.title]  # newest first
    assert objects[0]["summary"] == "Кратко о первом."
    assert objects[0]["url"] == f"{site.url}{first.get_absolute_url()}"
    assert objects[0]["contentMap"]["ru"].startswith("<p>")


def test_fedify_follows_and_receives_our_activities(site, fedify, make_statement):
    actor_url = f"{site.url}/ap/ru/"
    peer = Peer(fedify, actor_url)
    try:
        accept = peer.wait_for(lambda line: line.get("type") == "Accept")
        listening = peer.wait_for(lambda line: line["event"] == "listening")
        assert accept["actor"] == actor_url
        follower = Follower.objects.get()
        assert follower.uri == listening["actor"]
        assert follower.shared_inbox == f"{listening['origin']}/inbox"

        statement = make_statement("Заявление для федерации", status="draft")
        with TestCase.captureOnCommitCallbacks(execute=True):
            lifecycle.publish(statement)
        create = peer.wait_for(lambda line: line.get("type") == "Create")
        assert create["actor"] == actor_url
        assert create["object"]["type"] == "Article"
        assert create["object"]["name"] == "Заявление для федерации"
        assert create["object"]["id"] == activities.object_id(statement)

        with TestCase.captureOnCommitCallbacks(execute=True):
            lifecycle.revise(statement, title="Заявление, исправленное")
        update = peer.wait_for(lambda line: line.get("type") == "Update")
        assert update["object"]["name"] == "Заявление, исправленное"

        with TestCase.captureOnCommitCallbacks(execute=True):
            lifecycle.unpublish(statement)
        peer.wait_for(lambda line: line.get("type") == "Delete")

        # Fedify prints before it answers; our row says "sent" once its answer is in.
        expected = {k: "sent" for k in ("Accept", "Create", "Update", "Delete")}
        deadline = time.monotonic() + 30
        while dict(Delivery.objects.values_list("kind", "state")) != expected:
            assert time.monotonic() < deadline, list(Delivery.objects.values("kind", "state"))
            time.sleep(0.2)
        assert Delivery.objects.get(kind="Create").inbox == f"{listening['origin']}/inbox"

        peer.send("undo")
        peer.wait_for(lambda line: line["event"] == "undo-sent")
        assert not Follower.objects.exists()
    finally:
        peer.stop()
