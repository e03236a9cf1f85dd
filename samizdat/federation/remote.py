"""Talking to other servers: signed GETs of actor documents and keys, signed POSTs to inboxes.

Plain ``urllib`` with a timeout, a size cap and (unless SAMIZDAT_FEDERATION_ALLOW_PRIVATE) no
requests to loopback, private or link-local addresses, so a crafted keyId or inbox cannot make
the server probe its own network.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from . import activities, keys, signatures
from .models import Actor

MAX_DOCUMENT = 1024 * 1024
ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
USER_AGENT = "samizdat-federation/1"


class RemoteError(Exception):
    """The remote server could not be reached or answered something unusable."""

    def __init__(self, message: str, status: int | None = None, temporary: bool = True):
        super().__init__(message)
        self.status, self.temporary = status, temporary


@dataclass
class Answer:
    status: int
    body: bytes


def check_address(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RemoteError(f"not an http(s) URL: {url[:100]}", temporary=False)
    if settings.FEDERATION_ALLOW_PRIVATE:
        return  # tests and closed networks: loopback, private addresses and plain http
    if parts.scheme != "https":
        raise RemoteError("plain http is refused", temporary=False)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as error:
        raise RemoteError(f"cannot resolve {parts.hostname}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise RemoteError(f"{parts.hostname} is not a public address", temporary=False)


def _request(request: urllib.request.Request) -> Answer:
    check_address(request.full_url)
    try:
        with urllib.request.urlopen(request, timeout=settings.FEDERATION_TIMEOUT) as response:
            return Answer(response.status, response.read(MAX_DOCUMENT + 1))
    except urllib.error.HTTPError as error:
        return Answer(error.code, b"")
    except (OSError, ValueError) as error:  # refused, timed out, reset, bad URL
        raise RemoteError(type(error).__name__) from error


def _signing_actor() -> Actor | None:
    from samizdat import languages

    return keys.actor_for(languages.default_code())


def get_json(url: str, actor: Actor | None = None) -> dict:
    """A remote ActivityPub document, fetched with a signed GET (servers in authorized-fetch
    mode want one); RemoteError when it is missing, too big or not a JSON object."""
    actor = actor or _signing_actor()
    headers = {"Accept": ACCEPT, "User-Agent": USER_AGENT}
    if actor is not None:
        headers |= signatures.sign(
            "GET", url, keys.private_key(actor), activities.key_id(actor.language)
        )
    answer = _request(urllib.request.Request(url, headers=headers, method="GET"))
    if answer.status != 200:
        raise RemoteError(f"GET answered {answer.status}", answer.status, answer.status >= 500)
    if len(answer.body) > MAX_DOCUMENT:
        raise RemoteError("document too large", temporary=False)
    try:
        document = json.loads(answer.body)
    except ValueError as error:
        raise RemoteError("not JSON", temporary=False) from error
    if not isinstance(document, dict):
        raise RemoteError("not a JSON object", temporary=False)
    return document


def post(url: str, body: bytes, actor: Actor) -> int:
    """POST a signed activity; the HTTP status (RemoteError when there was no answer)."""
    headers = {
        "Content-Type": activities.CONTENT_TYPE,
        "Accept": ACCEPT,
        "User-Agent": USER_AGENT,
        **signatures.sign(
            "POST", url, keys.private_key(actor), activities.key_id(actor.language), body
        ),
    }
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    return _request(request).status
