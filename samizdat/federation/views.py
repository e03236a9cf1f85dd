"""WebFinger, NodeInfo, actor, outbox, followers, objects and the inboxes (thin views)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from samizdat import languages
from samizdat.publishing.models import Statement

from . import activities, inbox, keys
from .models import Follower

LD_TYPES = ("application/activity+json", "application/ld+json")


def _json(document: dict, status: int = 200, content_type: str = activities.CONTENT_TYPE):
    response = JsonResponse(
        document,
        status=status,
        content_type=f"{content_type}; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Vary"] = "Accept"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return any(kind in accept for kind in LD_TYPES) or "json" in accept and "html" not in accept


def _actor(language: str):
    actor = keys.actor_for(language)
    if actor is None:
        raise Http404("no such actor")
    return actor


def webfinger(request: HttpRequest) -> HttpResponse:
    resource = request.GET.get("resource", "")
    if not resource:
        return JsonResponse({"error": "resource is required"}, status=400)
    name, _, at = resource.removeprefix("acct:").lstrip("@").partition("@")
    by_url = {activities.actor_id(code): code for code in languages.codes()}
    if resource in by_url:
        name = by_url[resource]
    elif not resource.startswith("acct:") or at.lower() != activities.host().lower():
        return JsonResponse({"error": "no such resource"}, status=404)
    if name not in languages.codes():
        return JsonResponse({"error": "no such resource"}, status=404)
    actor_url = activities.actor_id(name)
    return _json(
        {
            "subject": f"acct:{name}@{activities.host()}",
            "aliases": [actor_url],
            "links": [
                {"rel": "self", "type": activities.CONTENT_TYPE, "href": actor_url},
                {
                    "rel": "http://webfinger.net/rel/profile-page",
                    "type": "text/html",
                    "href": activities.absolute(f"/{name}/"),
                },
            ],
        },
        content_type="application/jrd+json",
    )


def nodeinfo_links(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "links": [
                {
                    "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                    "href": activities.absolute(reverse("federation:nodeinfo")),
                }
            ]
        }
    )


def nodeinfo(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "version": "2.1",
            "software": {"name": "samizdat", "version": "0.1.0"},
            "protocols": ["activitypub"],
            "services": {"inbound": [], "outbound": []},
            "openRegistrations": False,
            "usage": {
                "users": {"total": len(languages.codes())},
                "localPosts": Statement.objects.published().count(),
            },
            "metadata": {},
        },
        content_type='application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"',
    )


def actor(request: HttpRequest, language: str) -> HttpResponse:
    found = _actor(language)
    if not _wants_json(request):
        return HttpResponseRedirect(f"/{language}/")
    return _json(activities.actor_document(found))


def outbox(request: HttpRequest, language: str) -> HttpResponse:
    _actor(language)
    statements = (
        Statement.objects.published().in_language(language).for_listing().prefetch_related()
    )
    paginator = Paginator(statements, activities.PAGE_SIZE)
    page = request.GET.get("page")
    if page is None:
        return _json(activities.outbox_collection(language, paginator.count))
    if not page.isdigit():
        return JsonResponse({"error": "page must be a number"}, status=400)
    try:
        items = paginator.page(int(page))
    except EmptyPage:
        if int(page) != 1:
            raise Http404("no such page") from None
        items = []
    return _json(activities.outbox_page(language, int(page), list(items), paginator.count))


def followers(request: HttpRequest, language: str) -> HttpResponse:
    found = _actor(language)
    return _json(
        activities.followers_collection(language, Follower.objects.filter(actor=found).count())
    )


def statement_object(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_object_or_404(Statement.objects.published(), pk=pk)
    if statement.language not in languages.codes():
        raise Http404("no such object")
    if not _wants_json(request):
        return HttpResponseRedirect(statement.get_absolute_url())
    return _json({"@context": activities.CONTEXT, **activities.article(statement)})


def _receive(request: HttpRequest, found) -> HttpResponse:
    limit = settings.FEDERATION_MAX_BODY
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return JsonResponse({"error": "bad Content-Length"}, status=400)
    if length > limit:
        return JsonResponse({"error": f"body over {limit} bytes"}, status=413)
    body = request.read(limit + 1)
    if len(body) > limit:
        return JsonResponse({"error": f"body over {limit} bytes"}, status=413)
    headers = {name.lower(): value for name, value in request.headers.items()}
    headers.setdefault("host", request.get_host())
    result = inbox.receive(found, headers, request.get_full_path(), body)
    if result.status == 202:
        return HttpResponse(status=202)
    return JsonResponse({"error": result.reason}, status=result.status)


@csrf_exempt
def actor_inbox(request: HttpRequest, language: str) -> HttpResponse:
    return _receive(request, _actor(language))


@csrf_exempt
def shared_inbox(request: HttpRequest) -> HttpResponse:
    return _receive(request, None)
