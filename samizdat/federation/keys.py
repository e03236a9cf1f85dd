"""Actor key pairs: made on first use, the private half stored encrypted in the database.

The PKCS#8 passphrase is derived from SECRET_KEY (HMAC), so the database alone (a dump, a
backup) does not reveal it; the key file or SAMIZDAT_SECRET_KEY is needed as well. Changing
SECRET_KEY makes the stored keys unreadable: ``rotate`` makes new ones (remote servers refetch
the actor when a signature no longer verifies).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, transaction

from samizdat import languages

from .models import Actor


def _passphrase() -> bytes:
    return (
        hmac.new(settings.SECRET_KEY.encode(), b"samizdat.federation.actor-key", hashlib.sha256)
        .hexdigest()
        .encode()
    )


def _new_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def actor_for(language: str) -> Actor | None:
    """The actor of an enabled language, made (with its key pair) on first use; else None."""
    if language not in languages.codes():
        return None
    actor = Actor.objects.filter(language=language).first()
    if actor is not None:
        return actor
    private, public = _new_pair()
    try:
        with transaction.atomic():
            return Actor.objects.create(language=language, private_key=private, public_key=public)
    except IntegrityError:  # made meanwhile by another request
        return Actor.objects.get(language=language)


def rotate(actor: Actor) -> Actor:
    actor.private_key, actor.public_key = _new_pair()
    actor.save(update_fields=["private_key", "public_key"])
    return actor


@lru_cache(maxsize=32)
def _load(pem: str, passphrase: bytes) -> rsa.RSAPrivateKey:
    return serialization.load_pem_private_key(pem.encode(), password=passphrase)


def private_key(actor: Actor) -> rsa.RSAPrivateKey:
    """The actor's private key (decrypted once per process and key)."""
    return _load(actor.private_key, _passphrase())
