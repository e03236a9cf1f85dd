"""HTTP Signatures, draft-cavage-http-signatures-12, as Mastodon and its peers use them.

Why a module of our own: the maintained Python libraries sign the newer RFC 9421 ("HTTP
Message Signatures": ``http-message-signatures``, ``requests-http-signature``); the
draft-cavage ones (``httpsig``, last release 2018) are unmaintained and need pycryptodome.
This module does exactly the subset the fediverse uses — ``rsa-sha256`` (alias ``hs2019``
with an RSA key), headers ``(request-target) host date digest`` — on top of ``cryptography``.
It is checked against an independent implementation (Fedify, in the tests) both ways.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SIGNED_HEADERS = ("(request-target)", "host", "date", "digest")
_PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


class SignatureError(Exception):
    """The request carries no valid signature (answered 401)."""


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(timestamp: float | None = None) -> str:
    return formatdate(timestamp, usegmt=True)


def _signing_string(headers: Mapping[str, str], names: list[str]) -> str:
    lines = []
    for name in names:
        if name not in headers:
            raise SignatureError(f"signed header {name!r} is missing")
        lines.append(f"{name}: {headers[name]}")
    return "\n".join(lines)


def sign(
    method: str,
    url: str,
    key: rsa.RSAPrivateKey,
    key_id: str,
    body: bytes | None = None,
    date: str | None = None,
) -> dict[str, str]:
    """Headers for a signed request: Host, Date, (Digest for a body) and Signature."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    headers = {"host": parts.netloc, "date": date or http_date()}
    names = ["(request-target)", "host", "date"]
    if body is not None:
        headers["digest"] = digest(body)
        names.append("digest")
    headers["(request-target)"] = f"{method.lower()} {target}"
    signature = key.sign(
        _signing_string(headers, names).encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    del headers["(request-target)"]
    headers["signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return {name.title(): value for name, value in headers.items()}


def parse(header: str) -> dict[str, str]:
    """The parameters of a Signature header; SignatureError when it is not one."""
    params, position = {}, 0
    while position < len(header):
        match = _PARAM.match(header, position)
        if not match:
            raise SignatureError("malformed Signature header")
        params[match.group(1).lower()] = match.group(2)
        position = match.end()
    if "keyid" not in params or "signature" not in params:
        raise SignatureError("Signature header without keyId or signature")
    return params


def verify(
    method: str,
    target: str,
    headers: Mapping[str, str],
    params: dict[str, str],
    public_key_pem: str,
    required: tuple[str, ...] = ("(request-target)", "host", "date"),
) -> None:
    """Check one parsed signature against a PEM public key; SignatureError when it fails.

    ``headers`` maps lower-case names to values; ``target`` is the path with its query.
    """
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in ("rsa-sha256", "hs2019"):
        raise SignatureError(f"unsupported algorithm {algorithm}")
    names = params.get("headers", "date").lower().split()
    missing = [name for name in required if name not in names]
    if missing:
        raise SignatureError(f"signature does not cover {', '.join(missing)}")
    values = {**{k.lower(): v for k, v in headers.items()}}
    values["(request-target)"] = f"{method.lower()} {target}"
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode())
        signature = base64.b64decode(params["signature"], validate=True)
    except (ValueError, TypeError) as error:
        raise SignatureError("unreadable key or signature") from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("not an RSA key")
    try:
        key.verify(
            signature, _signing_string(values, names).encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except InvalidSignature:
        raise SignatureError("signature does not match") from None


def date_age(value: str, now: float) -> float:
    """Seconds between a Date header and ``now`` (inf when unreadable)."""
    try:
        return abs(now - parsedate_to_datetime(value).timestamp())
    except (TypeError, ValueError, IndexError, OverflowError):
        return float("inf")
