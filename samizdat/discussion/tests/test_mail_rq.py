"""The RQ backend (several machines) against the real Redis: mail is queued there, the worker
sends it through aiosmtpd, and a temporary failure is retried via RQ's scheduler."""

from __future__ import annotations

import io
import os

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from samizdat.core.tests.smtp import HungServer, SMTPServer, smtp_settings
from samizdat.discussion import notifications
from samizdat.discussion.models import Comment

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = "redis://127.0.0.1:6379/2"


@pytest.fixture
def rq(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("SAMIZDAT_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required (SAMIZDAT_REQUIRE_REDIS=1) but {REDIS_URL} is down")
        pytest.skip(f"no Redis at {REDIS_URL}")
    import django_rq

    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    queue = django_rq.get_queue("default")
    empty(queue)
    yield queue
    empty(queue)


def empty(queue) -> None:
    from rq.registry import FailedJobRegistry, FinishedJobRegistry, ScheduledJobRegistry

    queue.empty()
    for registry in (ScheduledJobRegistry, FailedJobRegistry, FinishedJobRegistry):
        jobs = registry(queue=queue)
        for job_id in jobs.get_job_ids():
            jobs.remove(job_id, delete_job=True)


def use_rq(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture
def pending(statement, django_user_model):
    group, _ = Group.objects.get_or_create(name="Moderators")
    django_user_model.objects.create_user("mod", "mod@example.org", "x").groups.add(group)
    return Comment.objects.create(
        statement=statement, language="ru", name="Айгерим", text="Первый!", status="pending"
    )


def run_worker() -> str:
    out = io.StringIO()
    call_command("worker", "--batch", stdout=out)
    return out.getvalue()


def test_mail_goes_through_redis(rq, pending, settings):
    with SMTPServer() as server:
        smtp_settings(settings, server.port)
        use_rq(settings)
        notifications.notify_moderators(pending)
        assert rq.count == 1 and server.messages == []
        output = run_worker()
    assert "RQBackend queue" in output
    [message] = server.messages
    assert message["To"] == "mod@example.org" and "Первый!" in message.get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert rq.count == 0


def test_temporary_failure_is_retried_through_the_scheduler(rq, pending, settings):
    with HungServer() as hung:
        smtp_settings(settings, hung.port, timeout=0.5)
        use_rq(settings)
        settings.MAIL_MAX_ATTEMPTS, settings.MAIL_RETRY_SECONDS = 2, 0
        notifications.notify_moderators(pending)
        run_worker()  # attempt 1 fails; attempt 2 is scheduled
        assert len(hung.connections) == 1
        from rq.registry import FailedJobRegistry, ScheduledJobRegistry

        assert ScheduledJobRegistry(queue=rq).count == 1
        run_worker()  # the scheduler queues attempt 2, which fails for good
        assert len(hung.connections) == 2
    assert FailedJobRegistry(queue=rq).count == 1
