"""Public newsletter pages: subscribe (two steps, no JavaScript), confirm, unsubscribe, and the
owner's data page. Every link page shows a button on GET and acts on POST only (mail scanners
follow links); bad links get 400 (tampered) or 410 (expired), never a 500."""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from samizdat import languages
from samizdat.core.clientip import client_ip
from samizdat.core.ratelimit import over_rate
from samizdat.discussion import captcha
from samizdat.discussion.forms import CAPTCHA_ERRORS
from samizdat.discussion.privacy import ip_hash

from . import conf, subscriptions, tokens
from .forms import AddressForm
from .models import Subscriber

TOKEN_STATUS = {"invalid": 400, "expired": 410, "gone": 410}


def _language() -> str:
    code = (get_language() or "")[:12]
    return code if languages.is_enabled(code) else languages.default_code()


def _post(request: HttpRequest):
    """The form data, or None when the body is too big or malformed."""
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > conf.MAX_POST_BYTES:
            return None
        return request.POST
    except (RequestDataTooBig, ValueError, MultiPartParserError, SuspiciousOperation, OSError):
        return None


def _form_page(request, form, *, kind: str, status: int = 200, error=None) -> HttpResponse:
    retry = form.is_bound
    token, challenge = captcha.fresh(conf.CAPTCHA_BINDING, retry=retry)
    context = {
        "form": form,
        "kind": kind,
        "token": token,
        "challenge": challenge.parts(_language()),
        "error": error,
        "lists": languages.enabled(),
        "chosen": (form.data.get("language") if form.is_bound else None) or _language(),
        "confirm_days": conf.confirm_days(),
    }
    response = render(request, "newsletter/form.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _refused(request, kind: str, status: int) -> HttpResponse:
    """Too big (400) or too many (429): the page says so; nothing was stored or sent."""
    context = {"kind": kind, "status": status}
    response = render(request, "newsletter/refused.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(conf.attempt_rate().window)
    return response


def _guarded(request, kind: str):
    """(data, client hash) or a refusal response: size, cross-site posts, the flood limit."""
    data = _post(request)
    if data is None:
        return None, _refused(request, kind, 400)
    client = ip_hash(client_ip(request))
    if over_rate("newsletter-attempt", client, conf.attempt_rate()):
        return None, _refused(request, kind, 429)
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        form = AddressForm(data, check_captcha=False)
        form.is_valid()
        return None, _form_page(
            request, form, kind=kind, status=400, error=CAPTCHA_ERRORS["invalid"]
        )
    return (data, client), None


@csrf_exempt  # public pages carry no CSRF cookie; the one-time captcha token binds the form
@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """Step 1 (the footer form: address and list) → step 2 (the captcha) → mail with a link."""
    if request.method == "GET":
        return _form_page(request, AddressForm(initial={"language": _language()}), kind="subscribe")
    guarded, refusal = _guarded(request, "subscribe")
    if refusal:
        return refusal
    data, client = guarded
    first_step = "token" not in data
    form = AddressForm(data, check_captcha=not first_step)
    if form.is_bot:  # the honeypot: answer as if it worked, store and send nothing
        return HttpResponseRedirect(reverse("newsletter:sent"))
    if not form.is_valid():
        return _form_page(request, form, kind="subscribe", status=400)
    if first_step:
        return _form_page(request, form, kind="subscribe")
    if over_rate("newsletter-client", client, conf.subscribe_rate()):
        return _refused(request, "subscribe", 429)
    language = form.cleaned_data.get("language") or _language()
    subscriptions.subscribe(form.cleaned_data["email"], language)
    return HttpResponseRedirect(reverse("newsletter:sent"))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def request_link(request: HttpRequest) -> HttpResponse:
    """The owner asks for a link to their data (export, delete); mailed only if subscribed."""
    if request.method == "GET":
        return _form_page(request, AddressForm(), kind="request")
    guarded, refusal = _guarded(request, "request")
    if refusal:
        return refusal
    data, client = guarded
    form = AddressForm(data)
    if form.is_bot:
        return HttpResponseRedirect(reverse("newsletter:request-sent"))
    if not form.is_valid():
        return _form_page(request, form, kind="request", status=400)
    if over_rate("newsletter-client", client, conf.subscribe_rate()):
        return _refused(request, "request", 429)
    subscriptions.request_manage_link(form.cleaned_data["email"])
    return HttpResponseRedirect(reverse("newsletter:request-sent"))


@require_GET
def sent(request: HttpRequest, kind: str = "subscribe") -> HttpResponse:
    context = {"kind": kind, "confirm_days": conf.confirm_days()}
    return render(request, "newsletter/sent.html", context)


def _link_page(request, action: str, *, error: str = "", status: int = 200, **extra):
    context = {"action": action, "error": error, "done": False, **extra}
    response = render(request, "newsletter/link.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak in a Referer
    return response


@csrf_exempt  # the signed link is the proof; the button posts without a cookie
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        key = tokens.read_confirm(token)
    except tokens.BadToken as error:
        return _link_page(request, "confirm", error=error.code, status=TOKEN_STATUS[error.code])
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        return _link_page(request, "confirm", error="gone", status=410)
    if request.method == "POST":
        subscriptions.confirm(key)
        return _link_page(request, "confirm", done=True, subscriber=subscriber)
    return _link_page(request, "confirm", subscriber=subscriber, already=subscriber.is_confirmed)


@csrf_exempt  # RFC 8058: mail programs post "List-Unsubscribe=One-Click" without a cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        key = tokens.read_unsubscribe(token)
    except tokens.BadToken as error:
        return _link_page(request, "unsubscribe", error=error.code, status=400)
    if request.method == "POST":
        subscriptions.unsubscribe(key)  # already gone: done all the same (idempotent)
        return _link_page(request, "unsubscribe", done=True)
    subscriber = Subscriber.objects.filter(key=key).first()
    return _link_page(request, "unsubscribe", subscriber=subscriber, gone=subscriber is None)


def _manage_email(request, token: str) -> str | HttpResponse:
    """The address a data link stands for, or the page saying why the link does not work."""
    try:
        key = tokens.read_manage(token)
    except tokens.BadToken as error:
        return _link_page(request, "manage", error=error.code, status=TOKEN_STATUS[error.code])
    email = subscriptions.email_of(key)
    return email or _link_page(request, "manage", error="gone", status=410)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's data: what is stored, a JSON download, and delete (POST)."""
    email = _manage_email(request, token)
    if not isinstance(email, str):
        return email
    if request.method == "POST":
        deleted = subscriptions.delete_all(email)
        return _link_page(request, "manage", done=True, deleted=deleted)
    data = subscriptions.export(email)
    return _link_page(request, "manage", data=data, token=token)


@require_GET
def export(request: HttpRequest, token: str) -> HttpResponse:
    email = _manage_email(request, token)
    if not isinstance(email, str):
        return email
    body = json.dumps(subscriptions.export(email), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsletter-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response
