"""Signal receivers: sign-ins, admin LogEntry rows and password changes into the audit
trail; a changed password ends the account's other sessions."""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from . import audit, middleware
from .sessions import end_sessions

FLAGS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


@receiver(user_logged_in)
def password_step_passed(sender, request, user, **kwargs):
    if request is None:
        return
    if user.is_staff:
        middleware.start(request.session)
    audit.record("signin.password", actor=user, request=request)


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("signout", actor=user)


@receiver(post_save, sender=LogEntry)
def admin_log_entry(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    audit.record(
        FLAGS.get(instance.action_flag, "admin.log"),
        actor=instance.user,
        obj=(model, instance.object_id or "", instance.object_repr),
        message=instance.get_change_message(),
    )


def _password_changed(user) -> bool:
    if user.pk is None:
        return False
    old = type(user)._default_manager.filter(pk=user.pk).values_list("password", flat=True)
    return old.first() not in (None, user.password)


@receiver(pre_save, sender=get_user_model())
def note_password_change(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and "password" not in update_fields):
        instance._samizdat_password_changed = False
        return
    instance._samizdat_password_changed = _password_changed(instance)


@receiver(post_save, sender=get_user_model())
def end_sessions_after_password_change(sender, instance, raw=False, **kwargs):
    """Every session of the account ends; the admin's own password-change view keeps the
    session that made the change (update_session_auth_hash gives it a new key)."""
    if raw or not getattr(instance, "_samizdat_password_changed", False):
        return
    instance._samizdat_password_changed = False
    ended = end_sessions(instance)
    audit.record("password.changed", obj=instance, sessions_ended=ended)


def connect_publishing() -> None:
    """Statements published, scheduled, revised and withdrawn through the publishing lifecycle
    (its signals come after the commit, with the acting user)."""
    from django.apps import apps

    if not apps.is_installed("samizdat.publishing"):
        return
    from samizdat.publishing import signals

    def receiver_for(action, *extra_keys):
        def receive(sender, statement, actor=None, **kwargs):
            details = {key: kwargs[key] for key in extra_keys if key in kwargs}
            if "changed" in details:
                details["changed"] = sorted(details["changed"])
            audit.record(action, actor=actor, obj=statement, language=statement.language, **details)

        return receive

    for signal, action, extra in (
        (signals.statement_published, "statement.published", ()),
        (signals.statement_scheduled, "statement.scheduled", ("was_public",)),
        (signals.statement_revised, "statement.revised", ("changed",)),
        (signals.statement_unpublished, "statement.unpublished", ("was_public",)),
    ):
        signal.connect(
            receiver_for(action, *extra), sender=None, weak=False, dispatch_uid=f"audit:{action}"
        )
