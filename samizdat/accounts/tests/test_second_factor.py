"""TOTP and recovery codes through the real views: good codes in, bad ones refused clearly,
audited, never a 500."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samizdat.accounts import factors
from samizdat.accounts.models import AuditEntry

from .conftest import sign_in_password, totp_code

pytestmark = pytest.mark.django_db
VERIFY = "/admin/2fa/verify/"


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def post_code(client, code, address="192.0.2.10"):
    return client.post(VERIFY, {"code": code, "next": "/admin/"}, REMOTE_ADDR=address)


def test_enrolment_confirms_totp_and_shows_recovery_codes_once(client, staff):
    sign_in_password(client, "editor")
    page = client.get("/admin/2fa/enrol/")
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert factors.totp_secret(device) in page.content.decode()
    wrong = client.post("/admin/2fa/enrol/", {"code": "000000"})
    assert "This code is not valid" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post("/admin/2fa/enrol/", {"code": totp_code(device)})
    html = response.content.decode()
    codes = list(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert len(codes) == 10 and all(c in html for c in codes)
    assert client.get("/admin/").status_code == 200  # verified now
    assert "2fa.enrolled" in actions() and "2fa.enrolment_failed" in actions()
    # shown once: the codes page afterwards offers new ones but does not show the old
    again = client.get("/admin/2fa/codes/").content.decode()
    assert not any(c in again for c in codes)


def test_right_code_opens_the_admin_and_rotates_the_session_key(client, staff, totp):
    sign_in_password(client, "editor")
    before = client.cookies["sessionid"].value
    response = post_code(client, totp_code(totp))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.cookies["sessionid"].value != before
    assert client.get("/admin/").status_code == 200
    assert actions()[-1] == "signin.success"


def test_a_replayed_code_is_refused(client, staff, totp):
    sign_in_password(client, "editor")
    code = totp_code(totp)
    assert post_code(client, code).status_code == 302
    other = client.__class__()
    sign_in_password(other, "editor")
    response = post_code(other, code)
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert other.get("/admin/")["Location"].startswith(VERIFY)
    assert actions()[-1] == "signin.failed"


def test_a_code_from_the_previous_window_is_refused_once_a_newer_one_was_used(client, staff, totp):
    sign_in_password(client, "editor")
    previous = totp_code(totp, offset_steps=-1)
    assert post_code(client, totp_code(totp)).status_code == 302
    other = client.__class__()
    sign_in_password(other, "editor")
    response = post_code(other, previous)
    assert response.status_code == 200 and "not valid" in response.content.decode()


@pytest.mark.parametrize(
    "code", ["123456", "abcdefgh", "x" * 64, "' OR 1=1 --", "１２３４５６", "\u202e12345"]
)
def test_wrong_or_forged_codes_are_refused_without_a_500(client, staff, totp, code):
    factors.make_recovery_codes(staff)
    sign_in_password(client, "editor")
    response = post_code(client, code)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This code is not valid" in html or "Ensure this value" in html
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_forged_recovery_code_is_audited_and_a_real_one_works_once(client, staff, totp):
    codes = factors.make_recovery_codes(staff)
    sign_in_password(client, "editor")
    assert post_code(client, "zzzzzzzz").status_code == 200
    assert actions()[-1] == "signin.failed"
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.details == {"stage": "recovery"} and entry.actor_name == "editor"
    # django-otp's own per-device delay after a failure
    for device in staff.staticdevice_set.all():
        device.throttle_reset()
    assert post_code(client, codes[0].upper()).status_code == 302
    other = client.__class__()
    sign_in_password(other, "editor")
    assert post_code(other, codes[0]).status_code == 200  # used up
    assert StaticToken.objects.filter(device__user=staff).count() == 9


def test_second_factor_is_throttled_per_account(client, staff, totp, clock):
    sign_in_password(client, "editor")
    messages = []
    for _ in range(8):
        messages.append(post_code(client, "000000").content.decode())
    assert sum("Try again in" in m for m in messages) >= 4
    assert "Try again in" not in messages[0]
    assert "signin.refused" in actions()


def test_the_verify_page_has_no_inline_script_or_style(client, staff, totp):
    factors.make_recovery_codes(staff)
    sign_in_password(client, "editor")
    html = client.get(VERIFY).content.decode()
    main = html.split('id="content-main"')[1]
    assert "style=" not in main and "<script>" not in main


@pytest.mark.parametrize(
    ("language", "text"),
    [("ru", "Код не подходит"), ("kk", "Код жарамсыз"), ("en", "This code is not valid")],
)
def test_refusals_speak_the_readers_language(client, staff, totp, language, text):
    sign_in_password(client, "editor")
    html = client.post(VERIFY, {"code": "000000"}, HTTP_ACCEPT_LANGUAGE=language)
    assert text in html.content.decode()


def test_a_verified_session_adds_a_second_app_and_keeps_the_printed_codes(client, staff, totp):
    from samizdat.accounts.testing import verified_login

    codes = set(factors.make_recovery_codes(staff))
    verified_login(client, staff)
    client.get("/admin/2fa/enrol/")
    pending = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post("/admin/2fa/enrol/", {"code": totp_code(pending), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).count() == 2
    assert set(StaticToken.objects.values_list("token", flat=True)) == codes
