"""Subscribe (double opt-in), confirm, unsubscribe, the owner's export and delete.

Functions here never say whether an address is on a list: the pages answer the same either
way, and only the mailbox owner learns more (through the mailed link).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samizdat import languages
from samizdat.core import mail

from . import conf, tokens
from .models import Subscriber

# At most one confirmation mail per address and list in this time (no mail-bombing a stranger).
CONFIRM_RESEND_AFTER = dt.timedelta(hours=12)


def normalise(email: str) -> str:
    """Domain in lower case (it is case-insensitive); the local part as typed."""
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def subscribe(email: str, language: str, now=None) -> bool:
    """Ask for a subscription: create the pending row and queue the confirmation mail.

    Returns whether a mail was queued (False: already confirmed, or one was sent recently).
    """
    now = now or timezone.now()
    email = normalise(email)
    if not languages.is_enabled(language):
        language = languages.default_code()
    with transaction.atomic():
        try:
            with transaction.atomic():
                subscriber, _ = Subscriber.objects.get_or_create(email=email, language=language)
        except IntegrityError:  # two requests at once: the other one made it
            subscriber = Subscriber.objects.get(email=email, language=language)
        if subscriber.is_confirmed:
            return False
        recent = now - CONFIRM_RESEND_AFTER
        claimed = (
            Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True)
            .exclude(confirm_sent_at__gte=recent)
            .update(confirm_sent_at=now)
        )
        if not claimed:
            return False
        mail.send_later("newsletter.confirm", subscriber.pk)
    return True


def confirm(key: str) -> Subscriber | None:
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is not None and not subscriber.is_confirmed:
        Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
        subscriber.refresh_from_db()
    return subscriber


def unsubscribe(key: str) -> int:
    """Delete the subscription (the address goes with it); 0 when it was already gone."""
    deleted, _ = Subscriber.objects.filter(key=key).delete()
    return int(bool(deleted))


def request_manage_link(email: str) -> bool:
    """Mail the owner a link to their data, if the address is on any list (else nothing)."""
    first = Subscriber.objects.filter(email=normalise(email)).order_by("pk").first()
    if first is None:
        return False
    mail.send_later("newsletter.manage", first.pk)
    return True


def email_of(key: str) -> str | None:
    """The address of the subscription with this key (None once it is gone)."""
    return Subscriber.objects.filter(key=key).values_list("email", flat=True).first()


def export(email: str) -> dict:
    """Everything stored about an address (the owner's JSON download)."""
    rows = Subscriber.objects.filter(email=normalise(email)).order_by("language")
    return {
        "email": normalise(email),
        "subscriptions": [
            {
                "language": row.language,
                "asked_at": row.created_at.isoformat(),
                "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None,
            }
            for row in rows
        ],
        "note": "Delivery records name a subscription, never the address; they go with it.",
    }


def delete_all(email: str) -> int:
    deleted, _ = Subscriber.objects.filter(email=normalise(email)).delete()
    return deleted


def forget_unconfirmed(now=None) -> int:
    """Delete subscriptions whose confirmation link has expired (periodic job)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=conf.confirm_days())
    deleted, _ = Subscriber.objects.pending().filter(created_at__lt=cutoff).delete()
    return deleted


# -- mails (built by the worker) ---------------------------------------------------------------
def url(name: str, token: str, language: str) -> str:
    with translation.override(language):
        return f"{settings.SITE_URL}{reverse(name, args=[token])}"


def _message(subject: str, body: str, to: str, unsubscribe_url: str = "") -> EmailMessage:
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return EmailMessage(" ".join(subject.split())[:200], body, to=[to], headers=headers)


@mail.builder("newsletter.confirm")
def confirmation_mail(subscriber_id: int) -> list[EmailMessage]:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.is_confirmed:
        return []
    language = subscriber.language
    with translation.override(language):
        context = {
            "language_name": languages.get(language).name,
            "confirm_url": url(
                "newsletter:confirm", tokens.confirm_token(subscriber.key), language
            ),
            "unsubscribe_url": url(
                "newsletter:unsubscribe", tokens.unsubscribe_token(subscriber.key), language
            ),
            "days": conf.confirm_days(),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("newsletter/email/confirm_subject.txt", context)
        body = render_to_string("newsletter/email/confirm.txt", context)
    return [_message(subject, body, subscriber.email, context["unsubscribe_url"])]


@mail.builder("newsletter.manage")
def manage_mail(subscriber_id: int) -> list[EmailMessage]:
    first = Subscriber.objects.filter(pk=subscriber_id).first()
    if first is None:
        return []
    email = first.email
    with translation.override(first.language):
        context = {
            "manage_url": url("newsletter:manage", tokens.manage_token(first.key), first.language),
            "hours": conf.manage_link_hours(),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("newsletter/email/manage_subject.txt", context)
        body = render_to_string("newsletter/email/manage.txt", context)
    return [_message(subject, body, email)]
