"""comment_approved / comment_removed: once per change, after the commit."""

from __future__ import annotations

import pytest

from samizdat.discussion import services, signals
from samizdat.discussion.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    received = []

    def approved(sender, comment, actor, **kwargs):
        received.append(("approved", comment.pk, actor))

    def removed(sender, comment, actor, status, **kwargs):
        received.append(("removed", comment.pk, status))

    signals.comment_approved.connect(approved, weak=False, dispatch_uid="test-approved")
    signals.comment_removed.connect(removed, weak=False, dispatch_uid="test-removed")
    yield received
    signals.comment_approved.disconnect(dispatch_uid="test-approved")
    signals.comment_removed.disconnect(dispatch_uid="test-removed")


def _pending(statement) -> Comment:
    return Comment.objects.create(
        statement=statement, language="ru", name="Айгерим", text="Текст", status="pending"
    )


def test_moderation_sends_approved_then_removed(
    heard, statement, django_capture_on_commit_callbacks, django_user_model
):
    moderator = django_user_model.objects.create(username="moderator")
    comment = _pending(statement)
    with django_capture_on_commit_callbacks() as callbacks:
        services.moderate([comment], Comment.Status.APPROVED, moderator)
    assert heard == []  # only after the commit
    for callback in callbacks:
        callback()
    assert heard == [("approved", comment.pk, moderator)]
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate([comment], Comment.Status.APPROVED, moderator)  # no change
        services.moderate([comment], Comment.Status.SPAM, moderator)
    assert heard == [("approved", comment.pk, moderator), ("removed", comment.pk, "spam")]


def test_hiding_a_comment_nobody_saw_sends_nothing(
    heard, statement, django_capture_on_commit_callbacks
):
    comment = _pending(statement)
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate([comment], Comment.Status.REMOVED)
    assert heard == []


def test_a_comment_saved_approved_is_announced(
    heard, bot, statement, settings, django_capture_on_commit_callbacks
):
    settings.COMMENT_MODERATE_FIRST = False
    with django_capture_on_commit_callbacks(execute=True):
        bot.comment(statement.get_absolute_url(), name="A", text="Согласен")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert heard == [("approved", comment.pk, None)]
