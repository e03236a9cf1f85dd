"""Comment mail through the task queue, against real SMTP peers on loopback.

A hung mail server never holds a comment post; `samizdat worker` sends the mail, retries a
temporary failure with back-off and gives up after the last attempt; the mails arrive (as an
aiosmtpd server receives them) with their RFC 8058 one-click unsubscribe headers.
"""

from __future__ import annotations

import io
import logging
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samizdat.core import mail
from samizdat.core.tests.smtp import HungServer, SMTPServer, smtp_settings
from samizdat.discussion import notifications
from samizdat.discussion.models import Comment

pytestmark = pytest.mark.django_db(transaction=True)
SITE = "http://testserver"


def run_worker() -> str:
    out = io.StringIO()
    call_command("worker", "--batch", stdout=out)
    return out.getvalue()


@pytest.fixture
def moderator(django_user_model):
    group, _ = Group.objects.get_or_create(name="Moderators")
    user = django_user_model.objects.create_user("mod", "mod@example.org", "x")
    user.groups.add(group)
    return user


def pending_comment(statement) -> Comment:
    return Comment.objects.create(
        statement=statement, language="ru", name="Айгерим", text="Первый!", status="pending"
    )


def test_comment_post_answers_while_the_mail_server_hangs(bot, statement, moderator, settings):
    with HungServer() as hung:
        smtp_settings(settings, hung.port, timeout=3)
        settings.MAIL_RETRY_SECONDS = 3600
        started = time.monotonic()
        r = bot.comment(statement.get_absolute_url(), name="Айгерим", text="Первый!")
        post_seconds = time.monotonic() - started
        # Before the queue the post waited for the mail server (here: its 3 s timeout).
        assert r.status_code == 302 and r["Location"].endswith("?comment=pending#comments")
        assert post_seconds < 1.5, post_seconds
        assert hung.connections == []  # the request never talked to the mail server
        [queued] = DBTaskResult.objects.all()
        assert queued.status == "READY" and queued.task_path == "samizdat.core.mail.deliver_mail"
        started = time.monotonic()
        output = run_worker()
        assert time.monotonic() - started >= 2.5  # the worker waited, not the reader
        assert len(hung.connections) == 1
    assert "task deliver_mail(discussion.moderator)" in output and "retry_in 3600" in output
    assert "stopped after 1 task(s)" in output
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["args"][2] == 2  # the second attempt …
    assert retry.run_after > timezone.now() + timedelta(seconds=3500)  # … after the back-off

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # time passes
    with SMTPServer() as server:
        settings.EMAIL_PORT = server.port
        run_worker()
    [message] = server.messages
    assert message["To"] == "mod@example.org" and "Первый!" in message.get_content()
    assert message["List-Unsubscribe"].strip().startswith(f"<{SITE}/ru/comments/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_temporary_failures_are_retried_then_given_up_and_logged(
    statement, moderator, settings, caplog
):
    with HungServer() as hung:
        smtp_settings(settings, hung.port, timeout=0.5)
        settings.MAIL_MAX_ATTEMPTS, settings.MAIL_RETRY_SECONDS = 3, 0
        notifications.notify_moderators(pending_comment(statement))
        with caplog.at_level(logging.WARNING, logger="samizdat.core.mail"):
            run_worker()
        assert len(hung.connections) == 3
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["FAILED", "SUCCESSFUL", "SUCCESSFUL"]
    messages = [r.getMessage() for r in caplog.records]
    assert sum("temporary failure (SMTPServerDisconnected)" in m for m in messages) == 2
    assert any("giving up after attempt 3" in m for m in messages)


def test_a_server_that_never_answers_data_is_retried(statement, moderator, settings, caplog):
    """A real SMTP server that takes the message and never answers the end of DATA."""
    with SMTPServer(hang_data=5) as server:
        smtp_settings(settings, server.port, timeout=1)
        settings.MAIL_RETRY_SECONDS = 3600
        notifications.notify_moderators(pending_comment(statement))
        with caplog.at_level(logging.WARNING, logger="samizdat.core.mail"):
            run_worker()
        assert server.handler.data_started == 1 and server.messages == []
    assert "temporary failure" in caplog.text and "attempt 1 of 6" in caplog.text
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["args"][2] == 2


def test_a_permanent_refusal_is_not_retried_and_logs_no_address(
    statement, moderator, settings, caplog
):
    with SMTPServer(refuse_rcpt="550 5.1.1 <mod@example.org>: no such mailbox") as server:
        smtp_settings(settings, server.port)
        settings.MAIL_RETRY_SECONDS = 0
        notifications.notify_moderators(pending_comment(statement))
        with caplog.at_level(logging.WARNING, logger="samizdat.core.mail"):
            run_worker()
    [failed] = DBTaskResult.objects.all()
    assert failed.status == "FAILED"
    assert "SMTPRecipientsRefused" in caplog.text and "mod@example.org" not in caplog.text
    assert "mod@example.org" not in str(failed.traceback) + str(failed.args_kwargs)


def test_confirmation_reply_and_one_click_unsubscribe_through_the_worker(bot, statement, settings):
    settings.COMMENT_MODERATE_FIRST = False
    url = statement.get_absolute_url()
    with SMTPServer() as server:
        smtp_settings(settings, server.port)
        bot.comment(url, name="A", email="a@example.org", notify="1", text="вопрос")
        parent = Comment.objects.get()
        assert server.messages == []  # nothing is sent inside the request
        run_worker()
        [confirmation] = server.messages
        assert server.handler.envelopes[0][1] == ["a@example.org"]
        assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = confirmation["List-Unsubscribe"].strip()
        assert unsubscribe.startswith(f"<{SITE}/ru/comments/unsubscribe/")
        confirm_url = confirmation.get_content().split("кнопку: ")[1].split()[0]
        confirm_path = confirm_url.removeprefix(SITE)
        assert "<form" in Client().get(confirm_path).content.decode()
        parent.refresh_from_db()
        assert not parent.email_confirmed  # a GET (a mail scanner) confirms nothing
        assert Client().post(confirm_path).status_code == 200
        parent.refresh_from_db()
        assert parent.email_confirmed

        bot.comment(url, name="B", text="ответ", parent=str(parent.pk))
        run_worker()
        [_, reply] = server.messages
        assert reply["To"] == "a@example.org" and "ответ" in reply.get_content()
        assert reply["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe_path = reply["List-Unsubscribe"].strip().strip("<>").removeprefix(SITE)
        r = Client().post(
            unsubscribe_path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded"
        )
        assert r.status_code == 200
        parent.refresh_from_db()
        assert (parent.email, parent.email_hash, parent.notify_replies) == ("", "", False)

        bot.comment(url, name="C", text="ещё ответ", parent=str(parent.pk))
        run_worker()
        assert len(server.messages) == 2  # unsubscribed: no more mail
    # The queue held ids only, never the commenter's address.
    for row in DBTaskResult.objects.all():
        assert "a@example.org" not in str(row.args_kwargs) + str(row.return_value)


def test_moderator_one_click_unsubscribe_stops_moderation_mail(statement, moderator, settings):
    with SMTPServer() as server:
        smtp_settings(settings, server.port)
        notifications.notify_moderators(pending_comment(statement))
        run_worker()
        [message] = server.messages
        path = message["List-Unsubscribe"].strip().strip("<>").removeprefix(SITE)
        assert "<form" in Client().get(path).content.decode()
        assert notifications.moderator_emails() == ["mod@example.org"]  # GET changed nothing
        Client().post(path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded")
        assert notifications.moderator_emails() == []
        notifications.notify_moderators(pending_comment(statement))
        run_worker()
        assert len(server.messages) == 1


def test_retry_delay_backs_off_and_is_capped(settings):
    settings.MAIL_RETRY_SECONDS = 60
    assert [mail.retry_delay(n) for n in range(1, 7)] == [60, 240, 960, 3840, 15360, 21600]


def test_finished_mail_tasks_are_pruned_after_a_week(statement, moderator, settings):
    with SMTPServer() as server:
        smtp_settings(settings, server.port)
        notifications.notify_moderators(pending_comment(statement))
        run_worker()
    assert len(server.messages) == 1
    assert mail.prune_finished() == 0  # finished just now: kept
    DBTaskResult.objects.update(finished_at=timezone.now() - timedelta(days=8))
    assert mail.prune_finished() == 1 and not DBTaskResult.objects.exists()
