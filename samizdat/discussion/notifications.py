"""Emails: moderators on a new pending comment; authors who opted in (and confirmed), on a reply.

Every mail goes through the background queue (samizdat.core.mail): the functions here only
queue ids, the builders below make the messages when the worker sends them. Reply mails go
only to an address confirmed by the link in a confirmation mail (double opt-in). Every mail
carries ``List-Unsubscribe`` and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``
(RFC 8058); a GET on the link only shows a button, the POST acts. Mails never carry the
commenter's email address or address hash.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samizdat.core import mail

from .models import Comment, ModeratorMailOptOut

log = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "samizdat.discussion.unsubscribe"
CONFIRM_SALT = "samizdat.discussion.confirm"
MODERATORS_GROUP = "Moderators"
# At most one confirmation mail per address in this time (stops mail-bombing a stranger).
CONFIRM_RESEND_AFTER = dt.timedelta(hours=24)


def moderators():
    User = get_user_model()
    opted_out = ModeratorMailOptOut.objects.values("user_id")
    return (
        User.objects.filter(groups__name=MODERATORS_GROUP, is_active=True)
        .exclude(email="")
        .exclude(pk__in=opted_out)
        .distinct()
        .order_by("pk")
    )


def moderator_emails() -> list[str]:
    return sorted(set(moderators().values_list("email", flat=True)))


# -- tokens ------------------------------------------------------------------------------------
def unsubscribe_token(email_hash: str) -> str:
    return signing.dumps(email_hash, salt=UNSUBSCRIBE_SALT, compress=False)


def moderator_unsubscribe_token(user_id: int) -> str:
    return signing.dumps({"moderator": user_id}, salt=UNSUBSCRIBE_SALT, compress=False)


def read_unsubscribe_token(token: str) -> str | int | None:
    """An email hash (reply notifications), a moderator's user id, or None when forged."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if isinstance(value, str) and len(value) == 64:
        return value
    if isinstance(value, dict) and isinstance(value.get("moderator"), int):
        return value["moderator"]
    return None


def confirm_token(email_hash: str) -> str:
    return signing.dumps(email_hash, salt=CONFIRM_SALT, compress=False)


def read_confirm_token(token: str) -> str | None:
    max_age = settings.COMMENT_CONFIRM_DAYS * 86400
    try:
        value = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return value if isinstance(value, str) and len(value) == 64 else None


def _url(name: str, token: str) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=[token])}"


def _message(subject: str, body: str, to: str, unsubscribe_url: str) -> EmailMessage:
    return EmailMessage(
        " ".join(subject.split())[:200],
        body,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# -- actions on tokens -------------------------------------------------------------------------
def unsubscribe(target: str | int) -> int:
    """Stop reply mails for an address and forget it (address and hash), or stop a moderator's
    moderation mails. Returns how many rows changed."""
    if isinstance(target, int):
        user = get_user_model().objects.filter(pk=target).first()
        if user is None:
            return 0
        _, created = ModeratorMailOptOut.objects.get_or_create(user=user)
        return int(created)
    return Comment.objects.filter(email_hash=target).update(
        notify_replies=False, email_confirmed=False, email="", email_hash=""
    )


def confirm(email_hash: str) -> int:
    """The address owner followed the confirmation link: reply mails may now be sent."""
    return (
        Comment.objects.filter(email_hash=email_hash, notify_replies=True)
        .exclude(email="")
        .update(email_confirmed=True)
    )


def forget_unconfirmed(now=None) -> int:
    """Forget notification requests whose confirmation link has expired (a periodic job)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.COMMENT_CONFIRM_DAYS)
    return (
        Comment.objects.filter(email_confirmed=False, created_at__lt=cutoff)
        .exclude(email="", email_hash="", notify_replies=False)
        .update(notify_replies=False, email="", email_hash="")
    )


# -- queueing ----------------------------------------------------------------------------------
def notify_moderators(comment: Comment) -> int:
    """Queue one mail per moderator (nobody sees the others' addresses); returns how many."""
    ids = list(moderators().values_list("pk", flat=True))
    for user_id in ids:
        mail.send_later("discussion.moderator", comment.pk, user_id)
    return len(ids)


def request_confirmation(comment: Comment) -> bool:
    """After a comment asking for reply mails: confirm at once if this address is already
    confirmed, else queue a confirmation mail (at most one per address a day)."""
    if not (comment.notify_replies and comment.email_hash):
        return False
    same = Comment.objects.filter(email_hash=comment.email_hash, notify_replies=True).exclude(
        pk=comment.pk
    )
    if same.filter(email_confirmed=True).exists():
        Comment.objects.filter(pk=comment.pk).update(email_confirmed=True)
        comment.email_confirmed = True
        return False
    if same.filter(created_at__gte=timezone.now() - CONFIRM_RESEND_AFTER).exists():
        return False  # the earlier mail's link confirms this request too
    mail.send_later("discussion.confirm", comment.pk)
    return True


def notify_reply(comment: Comment) -> bool:
    """Queue a mail to the parent's author about an approved reply, once, if they asked for it
    and confirmed their address."""
    parent = comment.parent
    if (
        parent is None
        or comment.reply_notified
        or comment.status != Comment.Status.APPROVED
        or not (parent.notify_replies and parent.email_confirmed and parent.email)
    ):
        return False
    Comment.objects.filter(pk=comment.pk).update(reply_notified=True)
    comment.reply_notified = True
    mail.send_later("discussion.reply", comment.pk)
    return True


# -- builders (run by the worker) --------------------------------------------------------------
@mail.builder("discussion.moderator")
def moderator_mail(comment_id: int, user_id: int) -> list[EmailMessage]:
    comment = Comment.objects.filter(pk=comment_id).select_related("statement").first()
    user = moderators().filter(pk=user_id).first()
    if comment is None or user is None or comment.status != Comment.Status.PENDING:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        admin_path = reverse("admin:discussion_comment_change", args=[comment.pk])
        context = {
            "comment": comment,
            "statement": comment.statement,
            "reasons": comment.reason_labels(),
            "admin_url": f"{settings.SITE_URL}{admin_path}",
            "queue_url": f"{settings.SITE_URL}{reverse('admin:discussion_comment_changelist')}"
            "?status__exact=pending",
            "unsubscribe_url": _url("discussion:unsubscribe", moderator_unsubscribe_token(user.pk)),
        }
        subject = render_to_string("discussion/email/moderators_subject.txt", context)
        body = render_to_string("discussion/email/moderators.txt", context)
    return [_message(subject, body, user.email, context["unsubscribe_url"])]


@mail.builder("discussion.confirm")
def confirmation_mail(comment_id: int) -> list[EmailMessage]:
    comment = Comment.objects.filter(pk=comment_id).select_related("statement").first()
    if comment is None or comment.email_confirmed or not (comment.notify_replies and comment.email):
        return []
    token = comment.email_hash
    with translation.override(comment.language):
        context = {
            "comment": comment,
            "statement": comment.statement,
            "confirm_url": _url("discussion:confirm", confirm_token(token)),
            "unsubscribe_url": _url("discussion:unsubscribe", unsubscribe_token(token)),
            "days": settings.COMMENT_CONFIRM_DAYS,
        }
        subject = render_to_string("discussion/email/confirm_subject.txt", context)
        body = render_to_string("discussion/email/confirm.txt", context)
    return [_message(subject, body, comment.email, context["unsubscribe_url"])]


@mail.builder("discussion.reply")
def reply_mail(comment_id: int) -> list[EmailMessage]:
    comment = Comment.objects.filter(pk=comment_id).select_related("statement", "parent").first()
    parent = comment.parent if comment else None
    if parent is None or not (parent.notify_replies and parent.email_confirmed and parent.email):
        return []
    with translation.override(parent.language):
        context = {
            "comment": comment,
            "statement": comment.statement,
            "comment_url": f"{settings.SITE_URL}{comment.get_absolute_url()}",
            "unsubscribe_url": _url("discussion:unsubscribe", unsubscribe_token(parent.email_hash)),
        }
        subject = render_to_string("discussion/email/reply_subject.txt", context)
        body = render_to_string("discussion/email/reply.txt", context)
    return [_message(subject, body, parent.email, context["unsubscribe_url"])]
