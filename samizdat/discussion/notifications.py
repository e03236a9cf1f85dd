"""Emails: moderators on a new pending comment; authors who opted in, on a reply.

Mails never carry the commenter's email address or address hash.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Comment

log = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "samizdat.discussion.unsubscribe"
MODERATORS_GROUP = "Moderators"


def moderator_emails() -> list[str]:
    User = get_user_model()
    return sorted(
        set(
            User.objects.filter(groups__name=MODERATORS_GROUP, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def _send(messages: list[EmailMessage]) -> int:
    if not messages:
        return 0
    try:
        return get_connection(fail_silently=False).send_messages(messages) or 0
    except Exception:  # a mail server problem must never lose the comment
        log.exception("could not send discussion email")
        return 0


def notify_moderators(comment: Comment) -> int:
    """One mail per moderator (nobody sees the others' addresses); returns how many were sent."""
    recipients = moderator_emails()
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        admin_path = reverse("admin:discussion_comment_change", args=[comment.pk])
        context = {
            "comment": comment,
            "statement": comment.statement,
            "reasons": comment.reason_labels(),
            "admin_url": f"{settings.SITE_URL}{admin_path}",
            "queue_url": f"{settings.SITE_URL}{reverse('admin:discussion_comment_changelist')}"
            "?status__exact=pending",
        }
        subject = render_to_string("discussion/email/moderators_subject.txt", context)
        body = render_to_string("discussion/email/moderators.txt", context)
    subject = " ".join(subject.split())[:200]
    return _send([EmailMessage(subject, body, to=[address]) for address in recipients])


def unsubscribe_token(email_hash: str) -> str:
    return signing.dumps(email_hash, salt=UNSUBSCRIBE_SALT, compress=False)


def read_unsubscribe_token(token: str) -> str | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) and len(value) == 64 else None


def unsubscribe(email_hash: str) -> int:
    """Stop reply mails for this address and forget the address itself."""
    return (
        Comment.objects.filter(email_hash=email_hash)
        .exclude(notify_replies=False, email="")
        .update(notify_replies=False, email="")
    )


def notify_reply(comment: Comment) -> bool:
    """Mail the parent's author about an approved reply, once, if they asked for it."""
    parent = comment.parent
    if (
        parent is None
        or comment.reply_notified
        or comment.status != Comment.Status.APPROVED
        or not (parent.notify_replies and parent.email)
        or (comment.email_hash and comment.email_hash == parent.email_hash)
    ):
        return False
    Comment.objects.filter(pk=comment.pk).update(reply_notified=True)
    comment.reply_notified = True
    with translation.override(parent.language):
        path = reverse("discussion:unsubscribe", args=[unsubscribe_token(parent.email_hash)])
        unsubscribe_url = f"{settings.SITE_URL}{path}"
        context = {
            "comment": comment,
            "statement": comment.statement,
            "comment_url": f"{settings.SITE_URL}{comment.get_absolute_url()}",
            "unsubscribe_url": unsubscribe_url,
        }
        subject = render_to_string("discussion/email/reply_subject.txt", context)
        body = render_to_string("discussion/email/reply.txt", context)
    message = EmailMessage(
        " ".join(subject.split())[:200],
        body,
        to=[parent.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return _send([message]) == 1
