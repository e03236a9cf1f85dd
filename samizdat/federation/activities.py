"""The JSON documents we publish: actors, Article objects, activities, collections.

Documents are written in the compacted form every fediverse server reads (the ActivityStreams
and security contexts); no JSON-LD processing is needed to produce them (see docs/federation.md).
"""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from samizdat import languages
from samizdat.publishing.models import Statement

from .models import Actor

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CONTEXT = [AS_CONTEXT, "https://w3id.org/security/v1"]
CONTENT_TYPE = "application/activity+json"
PAGE_SIZE = 20


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def host() -> str:
    """The host part of our handles (``ru@host``): the site URL's host, with its port if any."""
    return urlsplit(settings.SITE_URL).netloc


def actor_id(language: str) -> str:
    return absolute(reverse("federation:actor", kwargs={"language": language}))


def key_id(language: str) -> str:
    return actor_id(language) + "#main-key"


def followers_id(language: str) -> str:
    return absolute(reverse("federation:followers", kwargs={"language": language}))


def object_id(statement: Statement) -> str:
    return absolute(reverse("federation:object", kwargs={"pk": statement.pk}))


def _iso(value) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _site_name(language: str) -> str:
    return settings.SITE_NAMES.get(language) or settings.SITE_NAME or host()


def actor_document(actor: Actor) -> dict:
    lang, own = actor.language, actor_id(actor.language)
    language = languages.get(lang)
    return {
        "@context": CONTEXT,
        "id": own,
        "type": "Organization",
        "preferredUsername": lang,
        "name": _site_name(lang),
        "summary": f"{_site_name(lang)} — {language.name}",
        "url": absolute(f"/{lang}/"),
        "inbox": absolute(reverse("federation:inbox", kwargs={"language": lang})),
        "outbox": absolute(reverse("federation:outbox", kwargs={"language": lang})),
        "followers": followers_id(lang),
        "endpoints": {"sharedInbox": absolute(reverse("federation:shared-inbox"))},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {"id": key_id(lang), "owner": own, "publicKeyPem": actor.public_key},
    }


def article(statement: Statement) -> dict:
    lang = statement.language
    summary = statement.summary.strip()
    updated = max(statement.updated_at, statement.published_at)
    return {
        "id": object_id(statement),
        "type": "Article",
        "attributedTo": actor_id(lang),
        "name": statement.title,
        "nameMap": {lang: statement.title},
        "summary": summary or None,
        "summaryMap": {lang: summary} if summary else None,
        "content": statement.body_html,
        "contentMap": {lang: statement.body_html},
        "mediaType": "text/html",
        "url": absolute(statement.get_absolute_url()),
        "published": _iso(statement.published_at),
        "updated": _iso(updated),
        "inReplyTo": None,
        "to": [PUBLIC],
        "cc": [followers_id(lang)],
    }


def _activity(kind: str, statement: Statement, obj: dict, suffix: str) -> dict:
    lang = statement.language
    return {
        "@context": CONTEXT,
        "id": f"{object_id(statement)}#{suffix}",
        "type": kind,
        "actor": actor_id(lang),
        "published": obj.get("updated") or _iso(timezone.now()),
        "to": [PUBLIC],
        "cc": [followers_id(lang)],
        "object": obj,
    }


def _stamp() -> str:
    return str(time.time_ns() // 1_000_000)


def create(statement: Statement, stamp: str | None = None) -> dict:
    return _activity("Create", statement, article(statement), f"create-{stamp or _stamp()}")


def update(statement: Statement) -> dict:
    return _activity("Update", statement, article(statement), f"update-{_stamp()}")


def delete(statement: Statement) -> dict:
    tombstone = {"id": object_id(statement), "type": "Tombstone", "formerType": "Article"}
    activity = _activity("Delete", statement, tombstone, f"delete-{_stamp()}")
    activity["published"] = _iso(timezone.now())
    return activity


def accept(actor: Actor, follow: dict) -> dict:
    return {
        "@context": CONTEXT,
        "id": f"{actor_id(actor.language)}#accept-{_stamp()}",
        "type": "Accept",
        "actor": actor_id(actor.language),
        "object": follow,
    }


def outbox_collection(language: str, total: int) -> dict:
    url = absolute(reverse("federation:outbox", kwargs={"language": language}))
    return {
        "@context": CONTEXT,
        "id": url,
        "type": "OrderedCollection",
        "totalItems": total,
        "first": f"{url}?page=1",
        "last": f"{url}?page={max(1, -(-total // PAGE_SIZE))}",
    }


def outbox_page(language: str, page: int, statements: list[Statement], total: int) -> dict:
    url = absolute(reverse("federation:outbox", kwargs={"language": language}))
    document = {
        "@context": CONTEXT,
        "id": f"{url}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": url,
        "totalItems": total,
        "orderedItems": [
            {**create(s, stamp="0"), "@context": None, "published": _iso(s.published_at)}
            for s in statements
        ],
    }
    for item in document["orderedItems"]:
        del item["@context"]
    if page * PAGE_SIZE < total:
        document["next"] = f"{url}?page={page + 1}"
    if page > 1:
        document["prev"] = f"{url}?page={page - 1}"
    return document


def followers_collection(language: str, total: int) -> dict:
    """The count only: who follows the organisation is not published."""
    return {
        "@context": CONTEXT,
        "id": followers_id(language),
        "type": "OrderedCollection",
        "totalItems": total,
    }
