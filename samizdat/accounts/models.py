"""Staff sessions stored by a hash of their key, lockouts an administrator can lift, and the
append-only audit trail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffSession(AbstractBaseSession):
    """A session row keyed by SHA-256 of the cookie's session key (never the key itself).

    ``user_id`` is copied from the session data so that every session of one account can be
    found and ended without knowing their keys.
    """

    session_key = models.CharField(_("session key hash"), max_length=64, primary_key=True)
    user_id = models.BigIntegerField(null=True, db_index=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore


class Lockout(models.Model):
    """Sign-in refused for one account name or one client address until lifted or expired."""

    class Scope(models.TextChoices):
        ACCOUNT = "account", _("account")
        ADDRESS = "address", _("client address")

    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    key = models.CharField(_("keyed hash"), max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty when the name typed is not an account here."),
    )
    failures = models.PositiveIntegerField(_("failed attempts"), default=0)
    locked_at = models.DateTimeField(_("locked at"))
    until = models.DateTimeField(_("locked until"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sign-in lockout")
        verbose_name_plural = _("sign-in lockouts")
        ordering = ["-locked_at"]

    def __str__(self) -> str:
        if self.scope == self.Scope.ACCOUNT and self.user_id:
            return f"{self.get_scope_display()}: {self.user}"
        return f"{self.get_scope_display()}: {self.key[:12]}…"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("the audit trail is append-only")

    def delete(self):
        raise TypeError("the audit trail is append-only")


class AuditEntry(models.Model):
    """One entry of the hash chain; see :mod:`samizdat.accounts.audit`."""

    at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # Unique: an entry can be the predecessor of one entry only, so two concurrent writers
    # can never fork the chain (the loser retries on top of the winner).
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("the audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("the audit trail is append-only")
