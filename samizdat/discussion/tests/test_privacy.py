import datetime as dt

import pytest
from django.test import RequestFactory

from samizdat.discussion import privacy


def test_ip_hash_is_keyed_and_rotates_daily():
    day = dt.date(2026, 11, 22)
    h = privacy.ip_hash("203.0.113.7", day)
    assert len(h) == 64 and "203.0.113.7" not in h
    assert h == privacy.ip_hash("203.0.113.7", day)
    assert h != privacy.ip_hash("203.0.113.7", day + dt.timedelta(days=1))
    assert h != privacy.ip_hash("203.0.113.8", day)


def test_ip_hash_depends_on_secret_key(settings):
    day = dt.date(2026, 11, 22)
    before = privacy.ip_hash("203.0.113.7", day)
    settings.SECRET_KEY = "another secret key for this test only, long enough to be fine"
    assert privacy.ip_hash("203.0.113.7", day) != before


@pytest.mark.parametrize(
    ("ip", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("[2001:db8::1]", "2001:db8::/64"),
        ("not an address", "not an address"),
    ],
)
def test_network_key(ip, key):
    assert privacy.network_key(ip) == key


def test_ipv6_addresses_in_one_64_share_a_hash():
    day = dt.date(2026, 1, 1)
    assert privacy.ip_hash("2001:db8:1:2::1", day) == privacy.ip_hash("2001:db8:1:2::ffff", day)


def test_email_hash_normalises_case_and_is_empty_for_no_email():
    assert privacy.email_hash(" A@B.example ") == privacy.email_hash("a@b.example")
    assert privacy.email_hash("") == ""


def test_author_cookie_round_trip_and_forgery():
    from django.http import HttpResponse

    response = HttpResponse()
    key = privacy.new_author_key()
    privacy.set_author_cookie(response, key, secure=False)
    morsel = response.cookies[privacy.AUTHOR_COOKIE]
    assert morsel["samesite"] == "Strict" and morsel["httponly"]
    request = RequestFactory().get("/")
    request.COOKIES[privacy.AUTHOR_COOKIE] = morsel.value
    assert privacy.read_author_key(request) == key
    request.COOKIES[privacy.AUTHOR_COOKIE] = key  # unsigned value
    assert privacy.read_author_key(request) == ""
