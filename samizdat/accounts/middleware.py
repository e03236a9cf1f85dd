"""Staff sessions: idle and absolute expiry, and no admin before the second factor.

Runs after django-otp's ``OTPMiddleware``. A staff session that has not passed its second
factor may open the public site and the sign-in pages under ``/admin/2fa/`` only; every other
admin URL redirects to verification (or to enrolment when the account has no device yet).
"""

from __future__ import annotations

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import audit, factors

STARTED = "staff_started_at"
SEEN = "staff_seen_at"
TOUCH_EVERY = 60  # seconds: the idle clock's resolution (saves a write on every request)
OPEN_NAMESPACES = {"accounts", "otp_webauthn"}


def start(session, now: float | None = None) -> None:
    now = time.time() if now is None else now
    session[STARTED] = session[SEEN] = now
    session.set_expiry(settings.STAFF_SESSION_IDLE)


def expiry_reason(session, now: float) -> str | None:
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        return None
    if now - started > settings.STAFF_SESSION_MAX:
        return "max"
    if now - seen > settings.STAFF_SESSION_IDLE:
        return "idle"
    return None


def _open_path(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return bool(OPEN_NAMESPACES & set(match.namespaces))


class StaffAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit.set_current_request(request)
        try:
            return self.gate(request) or self.get_response(request)
        finally:
            audit.reset_current_request(token)

    def gate(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return None
        path = request.path_info
        in_admin = path.startswith(reverse("admin:index"))
        now = time.time()
        session = request.session
        if session.get(STARTED) is None:
            start(session, now)
        reason = expiry_reason(session, now)
        if reason:
            audit.record("session.expired", actor=user, reason=reason)
            logout(request)
            if not in_admin:
                return None
            messages.info(request, _("Your session has expired. Please sign in again."))
            return redirect(f"{reverse('admin:login')}?next={quote(path)}")
        if now - session[SEEN] >= TOUCH_EVERY:
            session[SEEN] = now
            session.set_expiry(settings.STAFF_SESSION_IDLE)
        verified = getattr(user, "is_verified", None)
        if not in_admin or (verified and verified()) or _open_path(path):
            return None
        target = "accounts:verify" if factors.is_enrolled(user) else "accounts:enrol"
        return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
