"""Mail through the background task queue, with retries on temporary failures.

A request never talks to a mail server (a slow or hung one would hold the reader's request):
it queues ``deliver_mail(kind, args)``, and ``samizdat worker`` sends it. Task arguments hold
only ids; the message, with its recipient, is built by a registered *builder* when the mail is
sent, so the queue table never holds a commenter's address, and a mail whose recipient
unsubscribed meanwhile is simply not sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)

Builder = Callable[..., list[EmailMessage]]
_builders: dict[str, Builder] = {}
MAX_RETRY_DELAY = 6 * 3600


def builder(kind: str) -> Callable[[Builder], Builder]:
    """Register the function that builds the messages of one kind of mail from ids."""

    def decorator(func: Builder) -> Builder:
        _builders[kind] = func
        return func

    return decorator


def send_later(kind: str, *args: int | str) -> None:
    """Queue one mail once the current transaction commits (the worker sends it)."""
    transaction.on_commit(lambda: deliver_mail.enqueue(kind, list(args)))


def is_temporary(error: Exception) -> bool:
    """Worth trying again later: timeouts, refused connections, 4xx replies."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return not 500 <= error.smtp_code < 600
    return isinstance(error, smtplib.SMTPException | OSError)


def retry_delay(attempt: int) -> float:
    """Seconds before the next attempt: the base delay × 1, 4, 16, … (at most six hours)."""
    return min(MAX_RETRY_DELAY, settings.MAIL_RETRY_SECONDS * 4 ** (attempt - 1))


def _describe(error: Exception) -> str:
    """The error without its text: SMTP refusals quote the recipient's address."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"


@task()
def deliver_mail(kind: str, args: list, attempt: int = 1) -> dict:
    """Build and send one queued mail; on a temporary failure queue the next attempt."""
    build = _builders.get(kind)
    if build is None:
        log.error("mail %s: no such kind of mail; dropped", kind)
        return {"sent": 0}
    messages = build(*args)
    if not messages:
        return {"sent": 0}  # nothing to send any more (unsubscribed, deleted …)
    try:
        with get_connection(fail_silently=False) as connection:
            sent = connection.send_messages(messages) or 0
    except Exception as error:
        backend = deliver_mail.get_backend()
        if is_temporary(error) and attempt < settings.MAIL_MAX_ATTEMPTS and backend.supports_defer:
            delay = retry_delay(attempt)
            log.warning(
                "mail %s: temporary failure (%s), attempt %d of %d; next in %d s",
                kind,
                _describe(error),
                attempt,
                settings.MAIL_MAX_ATTEMPTS,
                delay,
            )
            run_after = timezone.now() + dt.timedelta(seconds=delay)
            deliver_mail.using(run_after=run_after).enqueue(kind, args, attempt + 1)
            return {"sent": 0, "retry_in": delay}
        log.error("mail %s: giving up after attempt %d (%s)", kind, attempt, _describe(error))
        raise MailNotSent(f"{kind}: {_describe(error)} after {attempt} attempt(s)") from None
    return {"sent": sent}


class MailNotSent(Exception):
    """Recorded as the failed task's error; carries no address."""


def prune_finished(days: int = 7) -> int:
    """Forget finished mail tasks after a week (the database backend keeps them otherwise)."""
    if type(deliver_mail.get_backend()).__name__ != "DatabaseBackend":
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
