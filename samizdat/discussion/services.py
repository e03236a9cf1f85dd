"""Saving a checked comment and the moderation actions (called by views, admin and tests)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import conf, notifications, privacy, signals, spam
from .forms import CommentForm
from .models import BlockedTerm, Comment

RATE_CLIENT_ERROR = _(
    "Too many comments from your connection just now. Please wait a few minutes and send "
    "again; your text is kept."
)
RATE_STATEMENT_ERROR = _(
    "This discussion is receiving very many comments just now. Please try again in a few "
    "minutes; your text is kept."
)


def save_comment(
    form: CommentForm, *, client_hash: str, author_key: str, language: str
) -> Comment | str:
    """Apply the rate limits and content rules to a valid form; return the comment or an error.

    ``author_key``: the key from the browser's author cookie, "" when it has none (a new key is
    made for it if the comment is kept).
    """
    statement = form.statement
    if spam.over_rate("client", client_hash, conf.client_rate()):
        return RATE_CLIENT_ERROR
    if spam.over_rate("statement", str(statement.pk), conf.statement_rate()):
        return RATE_STATEMENT_ERROR
    data = form.cleaned_data
    # The address (and its hash) is kept only when the author asks for reply notifications.
    wants_replies = bool(data["notify"] and data["email"])
    email_hash = privacy.email_hash(data["email"])
    decision = spam.verdict(
        honeypot=data.get("website", ""),
        name=data["name"],
        text=data["text"],
        email=data["email"],
        known_author=bool(author_key) and spam.is_known_author(privacy.author_key_hash(author_key)),
        terms=BlockedTerm.objects.all(),
    )
    subscribe = wants_replies and decision.status != Comment.Status.SPAM
    parent = form.parent_comment
    comment = Comment(
        statement=statement,
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        language=language,
        name=data["name"],
        text=data["text"],
        email=data["email"] if subscribe else "",
        notify_replies=subscribe,
        email_hash=email_hash if subscribe else "",
        ip_hash=client_hash,
        status=decision.status,
        # Nobody is told about their own reply (compared now; the address is not kept).
        reply_notified=bool(parent and email_hash and email_hash == parent.email_hash),
    )
    comment.set_reasons(decision.reasons)
    with transaction.atomic():
        comment.author_key = privacy.settle_author_key(comment, author_key)
        comment.save()
        notifications.request_confirmation(comment)
        if comment.status == Comment.Status.PENDING:
            notifications.notify_moderators(comment)
        elif comment.status == Comment.Status.APPROVED:
            notifications.notify_reply(comment)
            _send(signals.comment_approved, comment=comment, actor=None)
    return comment


def _send(signal, **kwargs) -> None:
    transaction.on_commit(partial(signal.send, sender=Comment, **kwargs))


def moderate(comments: Iterable[Comment], status: str, user=None) -> int:
    """Set the status of comments; newly approved replies notify their parent's author."""
    with transaction.atomic():
        return _moderate(comments, status, user)


def _moderate(comments: Iterable[Comment], status: str, user=None) -> int:
    actor = user if getattr(user, "pk", None) else None
    changed = 0
    for comment in comments:
        if comment.status == status:
            continue
        was_approved = comment.status == Comment.Status.APPROVED
        comment.status = status
        comment.moderated_at = timezone.now()
        comment.moderated_by = user if getattr(user, "pk", None) else None
        comment.save(update_fields=["status", "moderated_at", "moderated_by"])
        privacy.keep_one_author_key(comment)
        changed += 1
        if status == Comment.Status.APPROVED:
            notifications.notify_reply(comment)
            _send(signals.comment_approved, comment=comment, actor=actor)
        elif was_approved:
            _send(signals.comment_removed, comment=comment, actor=actor, status=status)
    return changed
