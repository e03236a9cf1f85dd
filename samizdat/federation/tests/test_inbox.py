"""The inbox refuses what it must with the right status, accepts Follow/Undo, holds replies."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client, TestCase
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from samizdat.discussion.models import Comment
from samizdat.federation import activities, signatures
from samizdat.federation.models import Delivery, Follower, RemoteKey

INBOX = "/ap/ru/inbox/"
pytestmark = pytest.mark.django_db


def post(client: Client, remote, uri: str, activity, path: str = INBOX, **options):
    body = options.pop("body", None)
    body = body if body is not None else json.dumps(activity).encode()
    headers = remote.signed(
        uri, f"http://testserver{path}", options.pop("signed_body", body), **options
    )
    headers.pop("Host")
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(path, body, content_type="application/activity+json", headers=headers)


def follow(remote, uri: str, language: str = "ru", n: int = 1) -> dict:
    return {
        "@context": activities.AS_CONTEXT,
        "id": f"{uri}/follows/{n}",
        "type": "Follow",
        "actor": uri,
        "object": activities.actor_id(language),
    }


def test_follow_is_stored_and_accepted(client, remote):
    alice = remote.add_actor("alice")
    response = post(client, remote, alice, follow(remote, alice))
    assert response.status_code == 202
    follower = Follower.objects.get()
    assert (follower.uri, follower.inbox) == (alice, f"{alice}/inbox")
    assert follower.shared_inbox == f"{remote.url}/inbox"
    [accept] = remote.received
    assert accept["path"] == "/users/alice/inbox"  # the personal inbox, not the shared one
    assert accept["json"]["type"] == "Accept"
    assert accept["json"]["object"]["id"] == f"{alice}/follows/1"
    # Signed by our actor's key, over the headers Mastodon checks.
    params = signatures.parse(accept["headers"]["signature"])
    assert params["keyid"] == activities.key_id("ru")
    assert params["headers"] == "(request-target) host date digest"
    actor = client.get("/ap/ru/", headers={"Accept": "application/activity+json"}).json()
    signatures.verify(
        "POST", accept["path"], accept["headers"], params, actor["publicKey"]["publicKeyPem"]
    )
    assert accept["headers"]["digest"] == signatures.digest(accept["body"])
    assert Delivery.objects.get().state == "sent"


def test_follow_through_the_shared_inbox(client, remote):
    bob = remote.add_actor("bob", shared_inbox=False)
    assert (
        post(client, remote, bob, follow(remote, bob, "kk"), path="/ap/inbox/").status_code == 202
    )
    assert Follower.objects.get().actor.language == "kk"
    assert Follower.objects.get().shared_inbox == ""


def test_undo_follow(client, remote):
    alice = remote.add_actor("alice")
    post(client, remote, alice, follow(remote, alice))
    undo = {
        "id": f"{alice}/undo/1",
        "type": "Undo",
        "actor": alice,
        "object": follow(remote, alice),
    }
    assert post(client, remote, alice, undo).status_code == 202
    assert not Follower.objects.exists()
    undo["id"] += "-again"  # undoing again is harmless
    assert post(client, remote, alice, undo).status_code == 202


def test_replayed_activity_is_processed_once(client, remote):
    alice = remote.add_actor("alice")
    activity = follow(remote, alice)
    assert post(client, remote, alice, activity).status_code == 202
    assert post(client, remote, alice, activity).status_code == 202
    assert Follower.objects.count() == 1
    assert len(remote.received) == 1  # one Accept, not two


def test_stale_date_is_refused(client, remote):
    alice = remote.add_actor("alice")
    old = signatures.http_date(time.time() - 3600)
    response = post(client, remote, alice, follow(remote, alice), date=old)
    assert response.status_code == 401
    assert "window" in response.json()["error"]
    assert not Follower.objects.exists()


def test_unsigned_post_is_refused(client):
    body = json.dumps({"type": "Follow", "actor": "https://x.example/u", "id": "https://x/1"})
    response = client.post(INBOX, body, content_type="application/activity+json")
    assert response.status_code == 401


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"type": 5}', b'{"type": "Follow"}'])
def test_malformed_body_is_400(client, body):
    response = client.post(INBOX, body, content_type="application/activity+json")
    assert response.status_code == 400


def test_digest_must_match_the_body(client, remote):
    alice = remote.add_actor("alice")
    signed = json.dumps(follow(remote, alice)).encode()
    tampered = json.dumps({**follow(remote, alice), "object": activities.actor_id("en")}).encode()
    response = post(client, remote, alice, None, body=tampered, signed_body=signed)
    assert response.status_code == 401
    assert "Digest" in response.json()["error"]


def test_unknown_key_is_401(client, remote):
    alice = remote.add_actor("alice")
    del remote.actors["/users/alice"]  # the key's document is gone (404)
    assert post(client, remote, alice, follow(remote, alice)).status_code == 401
    assert not RemoteKey.objects.exists()


def test_signature_by_another_key_is_401(client, remote):
    alice = remote.add_actor("alice")
    mallory = remote.add_actor("mallory")
    remote.keys[alice] = remote.keys[mallory]  # signs as alice with mallory's key
    assert post(client, remote, alice, follow(remote, alice)).status_code == 401


def test_actor_must_be_the_signer(client, remote):
    alice = remote.add_actor("alice")
    mallory = remote.add_actor("mallory")
    activity = follow(remote, alice)
    headers = remote.signed(mallory, f"http://testserver{INBOX}", json.dumps(activity).encode())
    headers.pop("Host")
    response = client.post(
        INBOX, json.dumps(activity), content_type="application/activity+json", headers=headers
    )
    assert response.status_code == 401
    assert not Follower.objects.exists()


def test_garbage_signature_header_is_401(client):
    body = json.dumps({"type": "Follow", "actor": "https://x.example/u"})
    for header in ['keyId="x"', "nonsense", 'keyId="x",signature="!!!"', ""]:
        response = client.post(
            INBOX,
            body,
            content_type="application/activity+json",
            headers={"Signature": header, "Date": signatures.http_date()},
        )
        assert response.status_code == 401, header


def test_private_key_address_is_refused_without_the_setting(client, remote, settings):
    alice = remote.add_actor("alice")
    settings.FEDERATION_ALLOW_PRIVATE = False
    assert post(client, remote, alice, follow(remote, alice)).status_code == 401


def test_oversized_body_is_413(client, settings):
    settings.FEDERATION_MAX_BODY = 1024
    body = json.dumps({"type": "Create", "actor": "https://x/u", "content": "x" * 2000})
    response = client.post(INBOX, body, content_type="application/activity+json")
    assert response.status_code == 413


def test_follow_of_an_actor_we_do_not_have(client, remote):
    alice = remote.add_actor("alice")
    activity = {**follow(remote, alice), "object": activities.absolute("/ap/zz/")}
    assert post(client, remote, alice, activity).status_code == 404
    assert (
        post(client, remote, alice, follow(remote, alice), path="/ap/zz/inbox/").status_code == 404
    )
    # A Follow of the kk actor posted to the ru inbox is not silently taken either.
    assert post(client, remote, alice, follow(remote, alice, "kk", 2)).status_code == 404


def test_inbox_takes_only_post(client):
    assert client.get(INBOX).status_code == 405
    assert client.put(INBOX).status_code == 405


def _reply(remote, uri: str, in_reply_to: str, n: int = 1) -> dict:
    return {
        "id": f"{uri}/statuses/{n}/activity",
        "type": "Create",
        "actor": uri,
        "object": {
            "id": f"{uri}/statuses/{n}",
            "type": "Note",
            "attributedTo": uri,
            "inReplyTo": in_reply_to,
            "content": "<p>Поддерживаю <b>заявление</b>.</p>",
        },
    }


def test_replies_are_not_taken_by_default(client, remote, make_statement):
    statement = make_statement()
    alice = remote.add_actor("alice")
    reply = _reply(remote, alice, activities.object_id(statement))
    assert post(client, remote, alice, reply).status_code == 202
    assert not Comment.objects.exists()


def test_replies_become_pending_comments_when_moderated(client, remote, make_statement, settings):
    settings.FEDERATION_REPLIES = "moderate"
    statement = make_statement()
    alice = remote.add_actor("alice")
    assert (
        post(
            client, remote, alice, _reply(remote, alice, activities.object_id(statement))
        ).status_code
        == 202
    )
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.statement == statement
    assert comment.text == "Поддерживаю заявление."
    assert (comment.ip_hash, comment.email) == ("", "")
    assert comment.name == alice
    # A reply to something that is not ours is ignored.
    other = _reply(remote, alice, "https://elsewhere.example/notes/1", n=2)
    assert post(client, remote, alice, other).status_code == 202
    assert Comment.objects.count() == 1


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.builds(
            lambda d: json.dumps(d).encode(),
            st.dictionaries(
                st.sampled_from(["type", "actor", "id", "object"]),
                st.one_of(st.text(max_size=20), st.integers(), st.none(), st.lists(st.text())),
            ),
        ),
    ),
    signature=st.one_of(st.none(), st.text(max_size=120)),
    date=st.one_of(st.none(), st.text(max_size=40)),
)
def test_inbox_never_fails_on_garbage(client, body, signature, date):
    headers = {}
    if signature is not None:
        headers["Signature"] = signature.replace("\n", " ").replace("\r", " ")
    if date is not None:
        headers["Date"] = date.replace("\n", " ").replace("\r", " ")
    response = client.post(INBOX, body, content_type="application/activity+json", headers=headers)
    assert response.status_code in (400, 401, 413)
