"""Brute force against the real admin sign-in: growing delays, lockout bounds, lifting, and
answers that never tell whether an account exists."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from samizdat.accounts.models import AuditEntry, Lockout
from samizdat.accounts.testing import verified_login

from .conftest import PASSWORD, sign_in_password

pytestmark = pytest.mark.django_db
WAIT = re.compile(r"Try again in (\d+) s")


def attack(client, clock, attempts, username, addresses):
    """Wrong passwords, waiting out each delay as a patient attacker would (the clock moves,
    nothing sleeps). Returns (passwords checked, refused as throttled, refused as locked)."""
    checked = throttled = locked = 0
    for i in range(attempts):
        name = username(i) if callable(username) else username
        response = sign_in_password(
            client, name, f"wrong-{i}", address=addresses[i % len(addresses)]
        )
        html = response.content.decode()
        assert response.status_code == 200
        if "correct username and password" in html or "правильные имя" in html:
            checked += 1
        elif wait := WAIT.search(html):
            throttled += 1
            clock.advance(int(wait.group(1)))
        elif "locked" in html or "заблокирован" in html:
            locked += 1
        else:
            raise AssertionError(html)
    return checked, throttled, locked


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


def test_200_wrong_passwords_from_one_address(client, staff, clock, english, capsys):
    checked, throttled, locked = attack(client, clock, 200, "editor", ["192.0.2.10"])
    assert checked == settings.LOGIN_ACCOUNT_LOCKOUT  # 10, then locked
    assert locked == 200 - checked - throttled
    assert Lockout.objects.filter(scope="account", user=staff).count() == 1
    # the right password is refused too while locked
    assert "locked" in sign_in_password(client, "editor", PASSWORD).content.decode()
    with capsys.disabled():
        print(
            f"\n[brute force] one address, one account: {checked} checked, "
            f"{throttled} delayed, {locked} refused as locked (of 200)"
        )


def test_200_names_from_one_address_lock_the_address(client, clock, english, capsys):
    checked, throttled, locked = attack(client, clock, 200, lambda i: f"guess{i}", ["192.0.2.20"])
    assert checked == settings.LOGIN_ADDRESS_LOCKOUT  # 30 guesses, then the address is locked
    assert Lockout.objects.filter(scope="address").count() == 1
    with capsys.disabled():
        print(
            f"\n[brute force] one address, 200 names: {checked} checked, "
            f"{throttled} delayed, {locked} refused as locked"
        )


def test_200_wrong_passwords_from_50_addresses_on_one_account(
    client, staff, clock, english, capsys
):
    addresses = [f"198.51.100.{n}" for n in range(1, 51)]
    checked, throttled, locked = attack(client, clock, 200, "editor", addresses)
    assert checked == settings.LOGIN_ACCOUNT_LOCKOUT
    assert Lockout.objects.filter(scope="address").count() == 0
    with capsys.disabled():
        print(
            f"\n[brute force] 50 addresses, one account: {checked} checked, "
            f"{throttled} delayed, {locked} refused as locked"
        )


def test_delays_grow_and_say_how_long(client, staff, clock, english):
    waits = []
    for i in range(8):
        html = sign_in_password(client, "editor", f"wrong-{i}").content.decode()
        if wait := WAIT.search(html):
            waits.append(int(wait.group(1)))
            clock.advance(int(wait.group(1)))
            sign_in_password(client, "editor", f"wrong-again-{i}")
    assert waits == sorted(waits) and waits[-1] > waits[0] >= 1


def test_answers_do_not_tell_whether_the_account_exists(client, staff, clock, english):
    def transcript(name, address):
        out = []
        for i in range(14):
            html = sign_in_password(client, name, f"w{i}", address=address)
            text = html.content.decode()
            out.append(
                "wrong"
                if "correct username" in text
                else "wait"
                if WAIT.search(text)
                else "locked"
                if "locked" in text
                else text
            )
        return out

    assert transcript("editor", "203.0.113.1") == transcript("nobody", "203.0.113.2")
    assert AuditEntry.objects.filter(action="signin.failed", object_id="").exists()
    assert not AuditEntry.objects.filter(details__icontains="nobody").exists()
    assert not AuditEntry.objects.filter(object_repr__icontains="nobody").exists()


def test_an_administrator_lifts_a_lockout(client, staff, superuser, clock, english):
    attack(client, clock, 30, "editor", ["192.0.2.30"])
    lockout = Lockout.objects.get(scope="account", user=staff)
    admin_client = client.__class__()
    verified_login(admin_client, superuser)
    response = admin_client.post(
        "/admin/accounts/lockout/",
        {"action": "lift", "_selected_action": [lockout.pk]},
        follow=True,
    )
    assert "1 lockout lifted" in response.content.decode()
    lockout.refresh_from_db()
    assert lockout.lifted_by == superuser
    response = sign_in_password(client, "editor", PASSWORD, address="192.0.2.31")
    assert response.status_code == 302  # fresh counters: the right password works again
    assert AuditEntry.objects.filter(action="lockout.lifted", actor_name="chief").exists()


def test_password_validators():
    for weak in ("short-pw", "password1234", "editor.example.org"):
        with pytest.raises(ValidationError):
            from django.contrib.auth.models import User

            validate_password(weak, User(username="editor.example.org"))
    validate_password("Steppe wind, 17 candles")


def test_ended_lockouts_are_forgotten_after_a_week(client, staff, clock):
    from samizdat.accounts import throttle
    from samizdat.core import periodic

    assert "accounts.purge-old-lockouts" in {job.name for job in periodic.jobs()}
    attack(client, clock, 30, "editor", ["192.0.2.40"])
    assert Lockout.objects.count() == 1
    clock.advance(settings.LOGIN_LOCKOUT_SECONDS + throttle.KEEP_LOCKOUTS - 10)
    assert throttle.purge_old_lockouts() == 0
    clock.advance(20)
    assert throttle.purge_old_lockouts() == 1


def test_the_shell_commands_unlock_and_reset(client, staff, totp, clock, capsys):
    from django.core.management import call_command

    from samizdat.accounts import factors

    attack(client, clock, 20, "editor", ["192.0.2.50"])
    call_command("staff", "unlock", "editor")
    assert "1 lockout(s) lifted" in capsys.readouterr().out
    assert sign_in_password(client, "editor", PASSWORD, address="192.0.2.51").status_code == 302
    call_command("staff", "reset-2fa", "editor")
    assert not factors.is_enrolled(staff)
    assert AuditEntry.objects.filter(action="2fa.reset", actor_name="").exists()
