"""Incoming activities: authenticate the request, then act on Follow, Undo Follow and replies.

``receive`` answers every request with a status and never raises: 413 for an oversized
body, 400 for one that is not an activity, 401 for a missing, unverifiable or stale
signature (unknown key, Digest that does not match the body, Date outside the window),
404 for a Follow of an actor we do not have, 202 for everything accepted — including a
replayed activity id (answered, not processed again) and activities about objects that are
not ours (ignored).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags

from samizdat.publishing.models import Statement

from . import activities, delivery, keys, remote, signatures
from .models import Actor, Follower, RemoteKey, SeenActivity

log = logging.getLogger(__name__)


@dataclass
class Result:
    status: int
    reason: str


def _id(value) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _fetch_key(key_id: str) -> RemoteKey:
    """The key document (an actor with ``publicKey``, or the key itself), cached by keyId."""
    document = remote.get_json(key_id.split("#")[0] if "#" in key_id else key_id)
    candidates = document.get("publicKey")
    if isinstance(candidates, dict):
        candidates = [candidates]
    if not isinstance(candidates, list):
        candidates = [document] if "publicKeyPem" in document else []
    for key in candidates:
        if isinstance(key, dict) and key.get("id") == key_id and key.get("publicKeyPem"):
            owner = _id(key.get("owner")) or _id(document)
            row, _created = RemoteKey.objects.update_or_create(
                key_id=key_id, defaults={"owner": owner, "public_key": key["publicKeyPem"]}
            )
            return row
    raise remote.RemoteError("no such key in the document", temporary=False)


def authenticate(method: str, target: str, headers: dict[str, str], body: bytes) -> str:
    """The verified signer's actor id; SignatureError when the request is not properly signed.

    ``headers`` maps lower-case header names to values.
    """
    if "signature" not in headers:
        raise signatures.SignatureError("no Signature header (draft-cavage signatures only)")
    params = signatures.parse(headers["signature"])
    if signatures.date_age(headers.get("date", ""), time.time()) > settings.FEDERATION_DATE_WINDOW:
        raise signatures.SignatureError("Date missing or outside the accepted window")
    if method == "POST" and headers.get("digest", "").strip() != signatures.digest(body):
        given = headers.get("digest", "")
        if not given.upper().startswith("SHA-256=") or given[8:] != signatures.digest(body)[8:]:
            raise signatures.SignatureError("Digest missing or does not match the body")
    required = ("(request-target)", "host", "date", "digest") if method == "POST" else ()
    key_id = params["keyid"]
    cached = RemoteKey.objects.filter(key_id=key_id).first()
    for attempt in ("cache", "fetch"):
        if attempt == "cache" and cached is None:
            continue
        if attempt == "fetch":
            try:
                cached = _fetch_key(key_id)
            except remote.RemoteError as error:
                raise signatures.SignatureError(f"key {key_id[:100]}: {error}") from None
        try:
            signatures.verify(method, target, headers, params, cached.public_key, required)
            return cached.owner
        except signatures.SignatureError:
            if attempt == "fetch":
                raise  # the freshly fetched key does not verify either
    raise signatures.SignatureError("unreachable")  # pragma: no cover


def forget_seen(days: int = 2) -> int:
    """Seen ids older than the Date window cannot be replayed anyway; keep two days of them."""
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(days=days, seconds=settings.FEDERATION_DATE_WINDOW)
    deleted, _ = SeenActivity.objects.filter(received_at__lt=cutoff).delete()
    return deleted


def _remember(activity_id: str) -> bool:
    """True the first time an activity id is seen."""
    try:
        with transaction.atomic():
            SeenActivity.objects.create(activity_id=activity_id[:500])
    except IntegrityError:
        return False
    return True


def _follow(actor: Actor, signer: str, activity: dict) -> Result:
    try:
        document = remote.get_json(signer, actor)
    except remote.RemoteError as error:
        return Result(400, f"follower's actor document: {error}")
    inbox = document.get("inbox")
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    shared = endpoints.get("sharedInbox") or ""
    if not isinstance(inbox, str) or not isinstance(shared, str):
        return Result(400, "follower has no inbox")
    try:
        remote.check_address(inbox)
        if shared:
            remote.check_address(shared)
    except remote.RemoteError as error:
        return Result(400, f"follower's inbox: {error}")
    Follower.objects.update_or_create(
        actor=actor,
        uri=signer,
        defaults={"inbox": inbox, "shared_inbox": shared, "follow_id": _id(activity)[:500]},
    )
    follow = {k: activity[k] for k in ("id", "type", "actor", "object") if k in activity}
    delivery.queue(actor, activities.accept(actor, follow), [inbox])
    return Result(202, "follow accepted")


def _undo(signer: str, activity: dict) -> Result:
    obj = activity.get("object")
    kind = obj.get("type") if isinstance(obj, dict) else None
    if kind not in (None, "Follow"):
        return Result(202, f"undo of {kind} ignored")
    followers = Follower.objects.filter(uri=signer)
    target = _id(obj.get("object")) if isinstance(obj, dict) else ""
    follow_id = _id(obj)
    if target:
        followers = followers.filter(actor__language__in=_languages_of(target))
    elif follow_id:
        followers = followers.filter(follow_id=follow_id)
    removed, _ = followers.delete()
    return Result(202, "unfollowed" if removed else "was not following")


def _languages_of(actor_uri: str) -> list[str]:
    from samizdat import languages

    return [code for code in languages.codes() if activities.actor_id(code) == actor_uri]


def _statement_for(uri: str) -> Statement | None:
    prefix = activities.absolute("/ap/statements/")
    if uri.startswith(prefix):
        pk = uri[len(prefix) :].strip("/")
        if pk.isdigit():
            return Statement.objects.published().filter(pk=int(pk)).first()
    return None


def _reply(signer: str, activity: dict) -> Result:
    note = activity.get("object")
    if not isinstance(note, dict) or note.get("type") not in ("Note", "Article"):
        return Result(202, "not a reply")
    in_reply_to = _id(note.get("inReplyTo"))
    statement = _statement_for(in_reply_to) if in_reply_to else None
    if statement is None:
        return Result(202, "not a reply to one of our statements; ignored")
    if settings.FEDERATION_REPLIES != "moderate":
        return Result(202, "replies are not taken (SAMIZDAT_FEDERATION_REPLIES)")
    if _id(note.get("attributedTo")) not in ("", signer):
        return Result(401, "reply attributed to someone else")
    from samizdat.discussion import conf
    from samizdat.discussion.models import Comment

    text = strip_tags(str(note.get("content") or "")).strip()[: settings.FEDERATION_MAX_REPLY]
    if not text:
        return Result(202, "empty reply ignored")
    Comment.objects.create(
        statement=statement,
        language=statement.language,
        name=signer[: conf.MAX_NAME_LENGTH],
        text=text,
        status=Comment.Status.PENDING,
    )
    return Result(202, "reply held for moderation")


def receive(actor: Actor | None, headers: dict[str, str], target: str, body: bytes) -> Result:
    """Handle one inbox POST (``actor`` None for the shared inbox)."""
    import json

    try:
        activity = json.loads(body)
    except ValueError:
        return Result(400, "body is not JSON")
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        return Result(400, "not an activity")
    claimed = _id(activity.get("actor"))
    if not claimed:
        return Result(400, "activity without actor")
    try:
        signer = authenticate("POST", target, headers, body)
    except signatures.SignatureError as error:
        return Result(401, str(error))
    if signer != claimed:
        return Result(401, "signed by another actor than the activity's")
    activity_id = _id(activity)
    if activity_id and not _remember(activity_id):
        return Result(202, "already received")
    result = _dispatch(actor, signer, activity)
    if result.status >= 300 and activity_id:  # not processed: a corrected retry is welcome
        SeenActivity.objects.filter(activity_id=activity_id[:500]).delete()
    return result


def _dispatch(actor: Actor | None, signer: str, activity: dict) -> Result:
    kind = activity["type"]
    if kind == "Follow":
        target_actor = _languages_of(_id(activity.get("object")))
        if not target_actor or (actor is not None and actor.language not in target_actor):
            return Result(404, "no such actor here")
        return _follow(actor or keys.actor_for(target_actor[0]), signer, activity)
    if kind == "Undo":
        return _undo(signer, activity)
    if kind == "Create":
        return _reply(signer, activity)
    if kind == "Delete" and _id(activity.get("object")) == signer:
        Follower.objects.filter(uri=signer).delete()
        return Result(202, "account deleted")
    return Result(202, f"{kind} ignored")
