"""Cache headers for public URLs; docs/http.md explains the design.

* :func:`public_page` — pages, feeds and sitemaps that show published content only:
  ``Cache-Control: public, no-cache`` (any cache may keep them, all revalidate), an ETag and
  Last-Modified from the content version; a revalidation costs one query and no rendering.
* :func:`statement_page` — the same, plus the one per-reader part: while comments are open the
  page carries a one-time captcha token, so it is ``private, no-cache`` (never in a shared
  cache) and its ETag names the token. A 304 is given only while that cached copy is still
  right *and* its token still usable (not spent, at least half its lifetime left).
* :func:`public_file` — small plain files: ``public, no-cache``; Django's
  ConditionalGetMiddleware gives them an ETag from their bytes.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models.base import ModelState
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_etags
from django.views.decorators.http import condition

from . import pages, validators, versions

SAFE = ("GET", "HEAD")


def _state(request: HttpRequest) -> versions.State:
    state = getattr(request, "_content_state", None)
    if state is None:
        state = request._content_state = versions.read()
    return state


def _public(response: HttpResponse) -> HttpResponse:
    if response.status_code in (200, 304):
        patch_cache_control(response, public=True, no_cache=True)
    return response


def _exporting(request: HttpRequest) -> bool:
    """A page rendered for the static mirror: no client will revalidate it, so it needs no
    validators, and the page cache neither serves nor keeps it (pages.usable)."""
    return bool(request.META.get("samizdat.export"))


def _export(request: HttpRequest, view, *args, **kwargs) -> HttpResponse:
    """The page for the mirror. The content version is still read: the navigation's cache is
    keyed by it (core.site), so a page never shows navigation older than its content."""
    _state(request)
    response = view(request, *args, **kwargs)
    response.headers[pages.HEADER] = "bypass"
    return response


def _tag(request: HttpRequest) -> str:
    tag = getattr(request, "_content_tag", None)
    if tag is None:
        tag = request._content_tag = validators.content_tag(request, _state(request))
    return tag


def public_page(view):
    def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return pages.serve(request, f"p:{_tag(request)}", lambda: view(request, *args, **kwargs))

    conditional = condition(
        etag_func=lambda request, *a, **k: validators.etag(_tag(request)),
        last_modified_func=lambda request, *a, **k: validators.last_modified(
            _state(request), request
        ),
    )(wraps(view)(cached))

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _exporting(request):
            return _export(request, view, *args, **kwargs)
        response = conditional(request, *args, **kwargs)
        if request.method in SAFE and response.status_code == 200:
            # Ours, not the view's own (Django's feeds send the newest item's date, which an
            # edit within the same second would not move).
            response.headers["Last-Modified"] = http_date(
                validators.last_modified(_state(request), request).timestamp()
            )
        return _public(response)

    return wrapped


def public_file(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return _public(view(request, *args, **kwargs))

    return wrapped


# --- the statement page ------------------------------------------------------------------------


def _public_statement(section: str, slug: str):
    """The published statement at this URL (with its section), or None: one query."""
    from django.utils.translation import get_language

    from samizdat.publishing.models import Statement

    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return (
        Statement.objects.published()
        .filter(language=language, section__slug=section, slug=slug[:300])
        .select_related("section")
        .only("pk", "slug", "language", "status", "published_at", "section__slug")
        .first()
    )


def _loaded(model, **values):
    """An instance as ``.only(*values)`` would load it, without ``Model.__init__`` (which sets
    every field, and a cached page builds two per request); other fields load on first use."""
    instance = model.__new__(model)
    instance._state = ModelState()
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS
    instance.__dict__.update(values)
    return instance


def _located(request: HttpRequest, section: str, slug: str):
    """(statement, state) for a GET of a statement URL, or (None, None) when none is public.

    The URL → statement lookup is kept in the cache with the ``site`` version it was made
    under, so a cached page costs one query (the versions). The site version is read
    *before* a lookup: a change committed in between can only make the entry look older than
    it is, never newer.
    """
    from samizdat.publishing.models import Section, Statement

    use_cache = pages.usable(request)
    nowhere = versions.State(site=versions.Version())  # the key names the URL, not a version
    key = "m:" + validators.content_tag(request, nowhere, request.path)
    states = []

    def current(meta) -> bool:
        states.append(versions.read(meta[0]))
        return states[-1].site.token() == meta[1]

    meta = pages.get(key, valid=current) if use_cache else None
    if meta is not None:
        pk, _site, slug_, language, status, published_at, section_id, section_slug = meta
        section_ = _loaded(Section, id=section_id, slug=section_slug)
        statement = _loaded(Statement, id=pk, slug=slug_, language=language, status=status,
                            published_at=published_at, section_id=section_id)  # fmt: skip
        statement._state.fields_cache["section"] = section_
        return statement, states[-1]
    site = versions.read()
    statement = _public_statement(section, slug)
    if statement is None:
        return None, None
    if use_cache:
        pages.put(
            key,
            (
                statement.pk,
                site.site.token(),
                statement.slug,
                statement.language,
                statement.status,
                statement.published_at,
                statement.section_id,
                statement.section.slug,
            ),  # replaced when the site version moves: read back through current()
        )
    return statement, versions.read(statement.pk)


def _token_usable(nonce: str, issued: str) -> bool:
    """Is the token in a cached copy still good for one comment?"""
    from django.apps import apps

    if not apps.is_installed("samizdat.discussion"):
        return False
    from samizdat.discussion import captcha, conf
    from samizdat.discussion.models import SpentNonce

    try:
        age = captcha.now() - int(issued)
    except ValueError:
        return False
    if not -60 <= age <= conf.token_max_age() / 2:
        return False
    return not SpentNonce.objects.filter(nonce=nonce).exists()


def still_fresh(request: HttpRequest, tag: str) -> str | None:
    """The ETag of the reader's cached copy when it may be reused as it is, else None."""
    for quoted in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))[:8]:
        candidate = quoted.removeprefix("W/").strip('"')
        content, _, token = candidate.partition(".")
        if content != tag:
            continue
        if not token:
            return validators.etag(content)
        nonce, _, issued = token.partition(".")
        if 8 <= len(nonce) <= 32 and _token_usable(nonce, issued):
            return validators.etag(candidate)
    return None


def _issued_token(request: HttpRequest) -> tuple[str, int] | None:
    """(nonce, issue time) of the captcha token the comment form was rendered with
    (``discussion.captcha.fresh_issue``), or None: the page has no form."""
    return getattr(request, "comment_issue", None)


def _render_statement(request, view, statement, state, section: str, slug: str) -> HttpResponse:
    """The page from the cache (or rendered), with the discussion spliced in.

    The page itself is stored under the ``site`` version only, with a marker where the
    comments go: a new comment re-renders the discussion fragment (cached per
    ``comments:<id>`` version), not the statement. The comment form with its one-time
    challenge is rendered for every request (samizdat.discussion.fragments).
    """
    from django.apps import apps

    splice = apps.is_installed("samizdat.discussion") and not _exporting(request)
    if not splice:
        return pages.serve(
            request, f"p:{_tag(request)}", lambda: view(request, section=section, slug=slug)
        )
    from samizdat.discussion import fragments

    request.comments_deferred = True
    page_tag = validators.content_tag(request, versions.State(site=state.site), request.path)
    response = pages.serve(
        request, f"s:{page_tag}", lambda: view(request, section=section, slug=slug)
    )
    if response.status_code == 200:
        fragments.splice(request, response, statement, state)
    return response


def statement_page(view):
    @wraps(view)
    def wrapped(request: HttpRequest, section: str, slug: str) -> HttpResponse:
        if _exporting(request):
            return _export(request, view, section=section, slug=slug)
        if request.method not in SAFE:
            return view(request, section=section, slug=slug)
        statement, state = _located(request, section, slug)
        if statement is None:
            return view(request, section=section, slug=slug)
        request._content_state = state
        tag = validators.content_tag(request, state)
        cached = still_fresh(request, tag)
        if cached is not None:
            response = HttpResponseNotModified()
            response.headers["ETag"] = cached
            if "." in cached:
                patch_cache_control(response, private=True, no_cache=True)
                return response
            response.headers["Last-Modified"] = http_date(
                validators.last_modified(state, request).timestamp()
            )
            return _public(response)
        response = _render_statement(request, view, statement, state, section, slug)
        if response.status_code != 200:
            return response
        issued = _issued_token(request)
        if issued is None:  # no comment form: the same for every reader
            response.headers["ETag"] = validators.etag(tag)
            response.headers["Last-Modified"] = http_date(
                validators.last_modified(state, request).timestamp()
            )
            return _public(response)
        response.headers["ETag"] = validators.etag(f"{tag}.{issued[0]}.{issued[1]}")
        patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapped
