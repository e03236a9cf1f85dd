"""Database sessions whose rows are keyed by SHA-256 of the session key.

The cookie carries a random 32-character key (about 165 bits); the database keeps only its
SHA-256, so a copied database (or backup) yields no cookie that would be accepted. A plain
hash suffices because the key is random and long: there is nothing to guess, and a keyed
hash would add nothing when the key (SECRET_KEY) sits in the same data directory. Signed-cookie
sessions were not chosen for the same reason: whoever copies the data directory has the
SECRET_KEY and could forge any cookie, and such sessions cannot be ended server-side.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.utils import timezone


def hashed(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from .models import StaffSession

        return StaffSession

    def _get_session_from_db(self):
        if not self.session_key:
            return None
        try:
            return self.model.objects.get(
                session_key=hashed(self.session_key), expire_date__gt=timezone.now()
            )
        except self.model.DoesNotExist:
            self._session_key = None
            return None

    async def _aget_session_from_db(self):
        if not self.session_key:
            return None
        try:
            return await self.model.objects.aget(
                session_key=hashed(self.session_key), expire_date__gt=timezone.now()
            )
        except self.model.DoesNotExist:
            self._session_key = None
            return None

    def exists(self, session_key):
        return self.model.objects.filter(session_key=hashed(session_key)).exists()

    async def aexists(self, session_key):
        return await self.model.objects.filter(session_key=hashed(session_key)).aexists()

    def create_model_instance(self, data):
        user_id = data.get(SESSION_KEY)
        return self.model(
            session_key=hashed(self._get_or_create_session_key()),
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
            user_id=int(user_id) if str(user_id or "").isdigit() else None,
        )

    async def acreate_model_instance(self, data):
        return self.create_model_instance(data)

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=hashed(session_key)).delete()

    async def adelete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        await self.model.objects.filter(session_key=hashed(session_key)).adelete()


def end_sessions(user, keep_key: str | None = None) -> int:
    """End every session of ``user`` (except the one whose cookie key is ``keep_key``)."""
    from .models import StaffSession

    sessions = StaffSession.objects.filter(user_id=user.pk)
    if keep_key:
        sessions = sessions.exclude(session_key=hashed(keep_key))
    count, _ = sessions.delete()
    return count
