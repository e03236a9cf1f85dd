"""Sessions: only hashes in the database, new keys at each step, idle and absolute expiry,
ended by a password change or a reset, cookie flags."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django.test import Client

from samizdat.accounts import factors, middleware
from samizdat.accounts.models import AuditEntry, StaffSession
from samizdat.accounts.sessions import hashed
from samizdat.accounts.testing import verified_login

from .conftest import PASSWORD, sign_in_password, totp_code

pytestmark = pytest.mark.django_db


def test_the_database_holds_no_usable_session_key(client, staff, totp):
    sign_in_password(client, "editor")
    client.post("/admin/2fa/verify/", {"code": totp_code(totp)})
    cookie = client.cookies["sessionid"].value
    assert client.get("/admin/").status_code == 200
    rows = list(StaffSession.objects.all())
    assert [r.session_key for r in rows] == [hashed(cookie)]
    assert rows[0].user_id == staff.pk
    # a copied database: presenting what is stored as the cookie opens nothing
    thief = Client()
    thief.cookies["sessionid"] = rows[0].session_key
    assert thief.get("/admin/")["Location"].startswith("/admin/login/")


def test_password_step_rotates_the_key(client, staff):
    client.get("/admin/login/")
    client.cookies["sessionid"] = "chosen-by-an-attacker-0123456789"
    sign_in_password(client, "editor")
    assert client.cookies["sessionid"].value != "chosen-by-an-attacker-0123456789"


def _age(client, **seconds):
    session = client.session
    for key, value in seconds.items():
        session[key] -= value
    session.save()


def test_idle_staff_session_expires(client, staff, settings):
    verified_login(client, staff)
    assert client.get("/admin/").status_code == 200
    _age(client, **{middleware.SEEN: settings.STAFF_SESSION_IDLE + 1})
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/")
    assert AuditEntry.objects.filter(action="session.expired", details={"reason": "idle"}).exists()


def test_staff_session_has_an_absolute_maximum(client, staff, settings):
    verified_login(client, staff)
    _age(client, **{middleware.STARTED: settings.STAFF_SESSION_MAX + 1})
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_activity_keeps_the_session_alive(client, staff, settings):
    verified_login(client, staff)
    _age(client, **{middleware.SEEN: settings.STAFF_SESSION_IDLE - 5})
    assert client.get("/admin/").status_code == 200
    assert time.time() - client.session[middleware.SEEN] < 5  # touched again


def test_changing_the_password_ends_the_other_sessions(staff):
    mine, other = Client(), Client()
    verified_login(mine, staff)
    verified_login(other, staff)
    response = mine.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a whole new passphrase 77",
            "new_password2": "a whole new passphrase 77",
        },
    )
    assert response.status_code == 302
    assert mine.get("/admin/").status_code == 200  # the session that changed it goes on
    assert other.get("/admin/")["Location"].startswith("/admin/login/")
    assert StaffSession.objects.filter(user_id=staff.pk).count() == 1
    assert AuditEntry.objects.filter(action="password.changed").exists()


def test_a_superuser_resets_second_factors_and_sessions_end(staff, superuser, totp):
    factors.make_recovery_codes(staff)
    victim = Client()
    verified_login(victim, staff)
    chief = Client()
    verified_login(chief, superuser)
    response = chief.post(
        "/admin/auth/user/",
        {"action": "reset_second_factors", "_selected_action": [staff.pk]},
        follow=True,
    )
    assert "Second factors reset for 1 account" in response.content.decode()
    assert not factors.is_enrolled(staff)
    assert victim.get("/admin/")["Location"].startswith("/admin/login/")
    entry = AuditEntry.objects.get(action="2fa.reset")
    assert entry.actor_name == "chief" and entry.object_id == str(staff.pk)


def test_only_a_superuser_may_reset(staff, totp, django_user_model):
    from django.contrib.auth.models import Permission

    manager = django_user_model.objects.create_user("manager", password=PASSWORD, is_staff=True)
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    c = Client()
    verified_login(c, manager)
    c.post("/admin/auth/user/", {"action": "reset_second_factors", "_selected_action": [staff.pk]})
    assert factors.is_enrolled(User.objects.get(pk=staff.pk))


def test_cookie_flags(client, staff, settings):
    response = sign_in_password(client, "editor")
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_SECURE is False  # http test site; https sets it (settings.py)


def test_the_worker_clears_expired_session_rows(client, staff):
    from datetime import timedelta

    from django.utils import timezone

    from samizdat.core import periodic

    verified_login(client, staff)
    StaffSession.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    job = next(j for j in periodic.jobs() if j.name == "accounts.clear-expired-sessions")
    job.func()
    assert StaffSession.objects.count() == 0
