"""The client address behind trusted proxies: the rightmost address no trusted proxy added."""

import pytest
from django.core.checks import run_checks
from django.test import RequestFactory

from samizdat.core.clientip import client_ip


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request("203.0.113.9", "198.51.100.4")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("trusted", "forwarded", "client"),
    [
        # nginx appends the address it saw; what the reader wrote stays to its left.
        (1, "127.0.0.2", "127.0.0.2"),
        (1, "6.6.6.6, 127.0.0.3", "127.0.0.3"),
        (1, "6.6.6.6,7.7.7.7, 198.51.100.4", "198.51.100.4"),
        (2, "6.6.6.6, 198.51.100.4, 10.0.0.7", "198.51.100.4"),
        (["127.0.0.1/32"], "6.6.6.6, 127.0.0.3", "127.0.0.3"),
        (["127.0.0.1/32", "10.0.0.0/8"], "6.6.6.6, 198.51.100.4, 10.1.2.3", "198.51.100.4"),
        (["127.0.0.1/32", "10.0.0.0/8"], "10.9.9.9, 10.1.2.3", "10.9.9.9"),
        (["127.0.0.1/32"], "2001:db8::1", "2001:db8::1"),
        (1, "junk", "127.0.0.1"),
    ],
)
def test_rightmost_untrusted_address_is_the_client(settings, trusted, forwarded, client):
    settings.TRUSTED_PROXIES = trusted
    assert client_ip(request("127.0.0.1", forwarded)) == client


def test_a_peer_outside_the_trusted_networks_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    assert client_ip(request("203.0.113.9", "198.51.100.4")) == "203.0.113.9"


def test_no_header_means_the_peer(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request("127.0.0.1")) == "127.0.0.1"


def test_a_spoofed_header_cannot_change_the_bucket(settings):
    settings.TRUSTED_PROXIES = 1
    honest = client_ip(request("127.0.0.1", "127.0.0.2"))
    assert {
        client_ip(request("127.0.0.1", f"{fake}, 127.0.0.2"))
        for fake in ("1.2.3.4", "127.0.0.3", "::1", "x")
    } == {honest}


def test_system_check_warns_behind_a_proxy_without_trusted_proxies(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = 0
    assert "samizdat.W001" in [m.id for m in run_checks()]
    settings.TRUSTED_PROXIES = 1
    assert "samizdat.W001" not in [m.id for m in run_checks()]
