"""The lifecycle services: one signal per change, only after the commit, none on failure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from samizdat.accounts.testing import verified_login
from samizdat.core import periodic
from samizdat.publishing import lifecycle, signals
from samizdat.publishing.models import Statement, TranslationGroup
from samizdat.publishing.tests.factories import make_statement

pytestmark = pytest.mark.django_db
ALL = {
    "published": signals.statement_published,
    "revised": signals.statement_revised,
    "unpublished": signals.statement_unpublished,
    "scheduled": signals.statement_scheduled,
    "translations": signals.translations_changed,
}


@pytest.fixture
def heard():
    """Every lifecycle signal received, as (name, kwargs) in order."""
    received: list[tuple[str, dict]] = []
    receivers = {}
    for name, signal in ALL.items():

        def receiver(sender, _name=name, **kwargs):
            assert sender is Statement
            kwargs.pop("signal")
            received.append((_name, kwargs))

        receivers[name] = receiver
        signal.connect(receiver, weak=False, dispatch_uid=f"test-{name}")
    yield received
    for name, signal in ALL.items():
        signal.disconnect(dispatch_uid=f"test-{name}")


def names(heard) -> list[str]:
    return [name for name, _kwargs in heard]


def run(service, capture, heard, *args, **kwargs):
    """Call a service; nothing may be heard until its callbacks (the commit) run."""
    with capture() as callbacks:
        result = service(*args, **kwargs)
    assert heard == [], "a signal was sent before the commit"
    for callback in callbacks:
        callback()
    return result


def test_publish_sends_statement_published_once_after_commit(
    heard, django_capture_on_commit_callbacks, django_user_model
):
    editor = django_user_model.objects.create(username="editor")
    draft = make_statement(status=Statement.Status.DRAFT)
    run(lifecycle.publish, django_capture_on_commit_callbacks, heard, draft, actor=editor)
    assert names(heard) == ["published"]
    assert heard[0][1]["statement"].pk == draft.pk and heard[0][1]["actor"] == editor
    draft.refresh_from_db()
    assert draft.is_public and draft.announced_at is not None
    heard.clear()
    # Publishing what is public already changes nothing and says nothing.
    run(lifecycle.publish, django_capture_on_commit_callbacks, heard, draft)
    assert heard == []


def test_revise_unpublish_and_schedule_each_send_their_signal(
    heard, django_capture_on_commit_callbacks
):
    statement = make_statement()
    heard.clear()  # the factory published it
    run(lifecycle.revise, django_capture_on_commit_callbacks, heard, statement, title="New title")
    assert names(heard) == ["revised"] and "title" in heard[0][1]["changed"]
    heard.clear()
    run(lifecycle.unpublish, django_capture_on_commit_callbacks, heard, statement)
    assert names(heard) == ["unpublished"] and heard[0][1]["was_public"] is True
    heard.clear()
    later = timezone.now() + timedelta(days=1)
    run(lifecycle.schedule, django_capture_on_commit_callbacks, heard, statement, later)
    assert names(heard) == ["scheduled"] and heard[0][1]["was_public"] is False
    assert not Statement.objects.published().filter(pk=statement.pk).exists()


def test_a_draft_edit_sends_nothing(heard, django_capture_on_commit_callbacks):
    draft = make_statement(status=Statement.Status.DRAFT)
    run(lifecycle.revise, django_capture_on_commit_callbacks, heard, draft, title="Still a draft")
    assert heard == []


def test_a_failed_service_saves_and_sends_nothing(heard, django_capture_on_commit_callbacks):
    first = make_statement(slug="taken")
    draft = make_statement(status=Statement.Status.DRAFT)
    draft.slug = first.slug  # same language and slug: invalid
    heard.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(ValidationError):
            lifecycle.publish(draft)
    assert callbacks == []
    draft.refresh_from_db()
    assert draft.status == Statement.Status.DRAFT and draft.slug != "taken"
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(ValidationError):
            lifecycle.schedule(draft, timezone.now() - timedelta(minutes=1))
        with pytest.raises(ValidationError):
            lifecycle.publish(draft, at=timezone.now() + timedelta(days=1))
    assert callbacks == [] and heard == []


def test_an_outer_rollback_discards_the_signal(heard, django_capture_on_commit_callbacks):
    draft = make_statement(status=Statement.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            lifecycle.publish(draft)
            raise RuntimeError("the caller fails after the service")
    assert callbacks == [] and heard == []
    assert not Statement.objects.published().filter(pk=draft.pk).exists()


def test_link_and_unlink_translation(heard, django_capture_on_commit_callbacks):
    ru = make_statement(language="ru")
    kk = make_statement(language="kk")
    en = make_statement(language="en")
    heard.clear()
    run(lifecycle.link_translation, django_capture_on_commit_callbacks, heard, ru, kk)
    assert names(heard) == ["translations"]
    assert {s.pk for s in heard[0][1]["statements"]} == {ru.pk, kk.pk}
    heard.clear()
    run(lifecycle.link_translation, django_capture_on_commit_callbacks, heard, kk, en)
    ru.refresh_from_db()
    en.refresh_from_db()
    assert ru.translation_group_id == en.translation_group_id is not None
    assert [t.language for t in ru.translations()] == ["kk", "en"]
    heard.clear()
    # Linking what is linked already: no change, no signal.
    run(lifecycle.link_translation, django_capture_on_commit_callbacks, heard, ru, en)
    assert heard == []
    run(lifecycle.unlink_translation, django_capture_on_commit_callbacks, heard, en)
    assert names(heard) == ["translations"]
    en.refresh_from_db()
    assert en.translation_group_id is None


def test_linking_into_a_group_that_has_the_language_is_a_clear_error(
    heard, django_capture_on_commit_callbacks
):
    group = TranslationGroup.objects.create()
    ru = make_statement(language="ru", translation_group=group)
    make_statement(language="kk", translation_group=group)
    other_kk = make_statement(language="kk")
    heard.clear()
    with django_capture_on_commit_callbacks() as callbacks, translation.override("en"):
        with pytest.raises(ValidationError, match="already has a version in this language"):
            lifecycle.link_translation(ru, other_kk)
        with pytest.raises(ValidationError):
            lifecycle.link_translation(ru, ru)
    assert callbacks == [] and heard == []
    other_kk.refresh_from_db()
    assert other_kk.translation_group_id is None


def test_a_scheduled_statement_is_visible_at_its_time_and_announced_once(
    heard, django_capture_on_commit_callbacks
):
    soon = timezone.now() + timedelta(minutes=5)
    statement = make_statement(status=Statement.Status.SCHEDULED, published_at=soon)
    assert names(heard) == ["scheduled"]
    heard.clear()
    assert not statement.is_public
    run(lifecycle.announce_due, django_capture_on_commit_callbacks, heard)
    assert heard == []  # not due yet
    # Its time passes (moved into the past instead of waiting).
    Statement.objects.filter(pk=statement.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    statement.refresh_from_db()
    assert statement.is_public
    assert Statement.objects.published().filter(pk=statement.pk).exists()  # no job needed
    count = run(lifecycle.announce_due, django_capture_on_commit_callbacks, heard)
    assert count == 1 and names(heard) == ["published"]
    heard.clear()
    assert run(lifecycle.announce_due, django_capture_on_commit_callbacks, heard) == 0
    assert heard == []


def test_the_announce_job_is_registered():
    job = next(job for job in periodic.jobs() if job.name == "publishing.announce-due")
    assert job.every == 60 and job.func is lifecycle.announce_due


def test_the_instance_rule_matches_the_queryset_rule():
    now = timezone.now()
    cases = [
        (Statement.Status.DRAFT, now - timedelta(days=1)),
        (Statement.Status.PUBLISHED, now - timedelta(days=1)),
        (Statement.Status.PUBLISHED, now + timedelta(days=1)),
        (Statement.Status.SCHEDULED, now - timedelta(days=1)),
        (Statement.Status.SCHEDULED, now + timedelta(days=1)),
    ]
    made = []
    for status, at in cases:
        statement = make_statement(status=Statement.Status.DRAFT, published_at=at)
        Statement.objects.filter(pk=statement.pk).update(status=status, published_at=at)
        made.append(Statement.objects.get(pk=statement.pk))
    public = set(Statement.objects.published().values_list("pk", flat=True))
    assert {s.pk for s in made if s.is_public} == public
    assert len(public) == 2


def test_the_admin_saves_through_the_lifecycle(
    heard, client, django_capture_on_commit_callbacks, django_user_model
):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user("ed", password="pw-12345-xx", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    verified_login(client, editor)
    source = make_statement(language="ru")
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/publishing/statement/add/",
            {
                "title": "Аударма",
                "slug": "audarma",
                "language": "kk",
                "section": source.section_id,
                "status": "published",
                "published_at_0": "",
                "published_at_1": "",
                "translation_of": source.pk,
            },
        )
    assert response.status_code == 302
    assert names(heard) == ["published", "translations"]
    assert heard[0][1]["actor"] == editor
    heard.clear()
    created = Statement.objects.get(slug="audarma")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/publishing/statement/",
            {"action": "unpublish", "_selected_action": [created.pk, source.pk]},
        )
    assert names(heard) == ["unpublished", "unpublished"]


def test_the_announce_command(heard, capsys, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    statement = make_statement(status=Statement.Status.DRAFT)
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.SCHEDULED)
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("announce_due")
    assert "Announced 1 statements." in capsys.readouterr().out
    assert names(heard) == ["published"]
