"""Publishing → Create/Update/Delete to each inbox once, signed; retries with back-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from samizdat.federation import activities, delivery, keys, signatures
from samizdat.federation.models import Delivery, Follower
from samizdat.publishing import lifecycle

pytestmark = pytest.mark.django_db


def add_followers(remote, language: str = "ru") -> list[Follower]:
    actor = keys.actor_for(language)
    made = []
    for name, shared in (("alice", True), ("bob", True), ("carol", False)):
        uri = remote.add_actor(name, shared_inbox=shared)
        document = remote.actors[f"/users/{name}"]
        made.append(
            Follower.objects.create(
                actor=actor,
                uri=uri,
                inbox=document["inbox"],
                shared_inbox=document.get("endpoints", {}).get("sharedInbox", ""),
            )
        )
    return made


def publish(statement):
    with TestCase.captureOnCommitCallbacks(execute=True):
        lifecycle.publish(statement)


def test_publish_delivers_create_once_per_inbox(remote, make_statement):
    add_followers(remote)
    statement = make_statement("Новое заявление", status="draft")
    publish(statement)
    paths = sorted(r["path"] for r in remote.received)
    assert paths == ["/inbox", "/users/carol/inbox"]  # alice and bob share one inbox
    for received in remote.received:
        activity = received["json"]
        assert activity["type"] == "Create"
        assert activity["object"]["name"] == "Новое заявление"
        assert activity["object"]["id"] == activities.object_id(statement)
        params = signatures.parse(received["headers"]["signature"])
        signatures.verify(
            "POST",
            received["path"],
            received["headers"],
            params,
            keys.actor_for("ru").public_key,
            required=("(request-target)", "host", "date", "digest"),
        )
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}


def test_other_language_followers_get_nothing(remote, make_statement):
    add_followers(remote, "kk")
    publish(make_statement(status="draft"))
    assert remote.received == []


def test_revise_and_unpublish(remote, make_statement):
    add_followers(remote)
    statement = make_statement(status="draft")
    publish(statement)
    with TestCase.captureOnCommitCallbacks(execute=True):
        lifecycle.revise(statement, title="Исправлено")
    with TestCase.captureOnCommitCallbacks(execute=True):
        lifecycle.unpublish(statement)
    kinds = [r["json"]["type"] for r in remote.received]
    assert kinds == ["Create"] * 2 + ["Update"] * 2 + ["Delete"] * 2
    delete = remote.received[-1]["json"]
    assert delete["object"] == {
        "id": activities.object_id(statement),
        "type": "Tombstone",
        "formerType": "Article",
    }


def test_scheduled_statement_is_delivered_when_due(remote, make_statement):
    add_followers(remote)
    statement = make_statement(status="draft")
    with TestCase.captureOnCommitCallbacks(execute=True):
        lifecycle.schedule(statement, timezone.now() + timedelta(hours=1))
        lifecycle.revise(statement, title="Правка до срока")
    assert remote.received == []
    type(statement).objects.filter(pk=statement.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert lifecycle.announce_due() == 1
    assert [r["json"]["type"] for r in remote.received] == ["Create", "Create"]
    assert remote.received[0]["json"]["object"]["name"] == "Правка до срока"


def test_no_followers_no_deliveries(make_statement):
    publish(make_statement(status="draft"))
    assert not Delivery.objects.exists()


def _row(remote) -> Delivery:
    uri = remote.add_actor("dave", shared_inbox=False)
    actor = keys.actor_for("ru")
    activity = {"id": "http://testserver/ap/x#1", "type": "Create", "actor": actor.language}
    with TestCase.captureOnCommitCallbacks(execute=False):
        [pk] = delivery.queue(actor, activity, [f"{uri}/inbox"])
    return Delivery.objects.get(pk=pk)


def test_temporary_failure_is_retried_with_back_off(remote, settings):
    settings.FEDERATION_RETRY_SECONDS = 30
    row = _row(remote)
    remote.statuses = [503, 202]
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert delivery.deliver.get_backend().supports_defer
    before = timezone.now()
    delivery.deliver.call(row.pk)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_status) == ("retrying", 1, 503)
    queued = DBTaskResult.objects.get()
    assert queued.run_after >= before + timedelta(seconds=29)
    delivery.deliver.call(row.pk)  # the worker runs it when it is due
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_status) == ("sent", 2, 202)
    delivery.deliver.call(row.pk)  # a duplicate task after a restart sends nothing
    assert len(remote.received) == 2


def test_permanent_failure_is_not_retried(remote):
    row = _row(remote)
    remote.statuses = [410]
    delivery.deliver.call(row.pk)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_status) == ("failed", 1, 410)
    delivery.deliver.call(row.pk)
    assert len(remote.received) == 1


def test_unreachable_inbox_fails_after_its_attempts(remote, settings):
    settings.FEDERATION_MAX_ATTEMPTS = 1
    row = _row(remote)
    row.inbox = "http://127.0.0.1:9/inbox"  # discard port: nothing listens
    row.save()
    delivery.deliver.call(row.pk)
    row.refresh_from_db()
    assert row.state == "failed"
    assert row.last_error


def test_back_off_grows():
    assert [delivery.retry_delay(n) for n in (1, 2, 3)] == [60, 240, 960]
    assert delivery.retry_delay(20) == delivery.MAX_RETRY_DELAY


def test_stale_sending_rows_are_recovered(remote):
    row = _row(remote)
    Delivery.objects.filter(pk=row.pk).update(
        state="sending", updated_at=timezone.now() - timedelta(hours=1)
    )
    assert delivery.recover_stale() == 1
    row.refresh_from_db()
    assert row.state == "sent"
