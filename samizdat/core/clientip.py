"""The client's address, the same way everywhere (rate limits, address hashes).

Behind nginx the TCP peer (``REMOTE_ADDR``) is the proxy, and the client is in
``X-Forwarded-For``, which nginx appends to. Only hops added by trusted proxies count, so the
client is the rightmost address not added by one: whatever a reader writes into its own
``X-Forwarded-For`` sits to the left of that and is ignored. ``SAMIZDAT_TRUSTED_PROXIES`` is
either a count of proxies in front (``1`` for nginx alone; read with python-ipware) or their
networks (every trailing hop inside them is skipped).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.checks import Warning, register
from django.http import HttpRequest
from python_ipware import IpWare
from python_ipware.modern.parsers import split_proxy_chain

HEADER = "HTTP_X_FORWARDED_FOR"


@lru_cache(maxsize=8)
def _ipware(proxies_in_header: int) -> IpWare:
    # ipware counts the proxies listed in the header; the last proxy is REMOTE_ADDR itself.
    return IpWare(precedence=(HEADER,), proxy_count=proxies_in_header)


def _in(address, networks: tuple) -> bool:
    return any(address.version == net.version and address in net for net in networks)


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(net, strict=False) for net in trusted)


def client_ip(request: HttpRequest) -> str:
    """The client address as text (what the proxy saw), or REMOTE_ADDR without proxies."""
    remote = request.META.get("REMOTE_ADDR", "")[:100]
    trusted = settings.TRUSTED_PROXIES
    header = request.META.get(HEADER, "")
    if not trusted or not header:
        return remote
    if isinstance(trusted, int):
        ip, _ = _ipware(trusted - 1).get_client_ip({HEADER: header})
        return str(ip) if ip is not None else remote
    networks = _networks(tuple(trusted))
    try:
        if not _in(ipaddress.ip_address(remote), networks):
            return remote  # not from a proxy we trust: its header means nothing
    except ValueError:
        return remote
    chain = split_proxy_chain(header) or []
    for address in reversed(chain):
        if not _in(address, networks):
            return str(address)
    return str(chain[0]) if chain else remote


@register()
def check_trusted_proxies(app_configs=None, **kwargs):
    if getattr(settings, "BEHIND_PROXY", False) and not settings.TRUSTED_PROXIES:
        return [
            Warning(
                "SAMIZDAT_BEHIND_PROXY is on but no trusted proxy is configured, so every "
                "reader has the proxy's address and shares one rate-limit bucket.",
                hint="Set SAMIZDAT_TRUSTED_PROXIES=1 for nginx alone on this machine "
                "(or the proxies' networks, e.g. 127.0.0.1/32,10.0.0.0/8).",
                id="samizdat.W001",
            )
        ]
    return []
