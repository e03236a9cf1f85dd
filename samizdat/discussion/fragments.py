"""The discussion on the cached statement page: thread cached per comment version, form per
request.

samizdat.caching stores the statement page with :data:`MARKER` where the comments go, under
the ``site`` content version only. For every answer it calls :func:`splice`, which fills the
marker with

* the thread (heading, comments, "closed" note), rendered once per change of this
  statement's ``comments:<id>`` version (and of ``site``: comments close by age) and kept in
  the page cache with a second marker where the form goes; and
* the comment form, rendered for this request with a fresh one-time captcha token — the one
  per-reader part of the page, never stored anywhere.

So a new comment re-renders only the thread, never the statement, and no two readers ever
get the same token.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language

from samizdat.caching import pages, validators

from . import captcha, conf
from .forms import CommentForm
from .templatetags.discussion import MARKER, NOTICES, comments_page, section_context

FORM_MARKER = "<!--samizdat:comment-form-->"


# Stand-ins rendered into the empty form once, replaced by each request's challenge.
_SLOTS = {
    "token": "\x00sz-token\x00",
    "operand": "\x00sz-operand\x00",
    "operator": "\x00sz-operator\x00",
    "result_words": "\x00sz-words\x00",
}
_forms: dict[tuple, str] = {}  # (code build, language, statement, blank first) → form HTML
MAX_FORMS = 512


def _empty_form(statement, language: str, blank_first: bool) -> str:
    """The empty form's HTML with stand-ins for the challenge, rendered once per process."""
    key = (validators.build()[0], language, statement.pk, blank_first)
    html = _forms.get(key)
    if html is None:
        html = render_to_string(
            "discussion/_form.html",
            {
                "statement": statement,
                "form": CommentForm(statement=statement),
                "token": _SLOTS["token"],
                "challenge": {**_SLOTS, "blank_first": blank_first},
                "retention_days": conf.ip_retention_days(),
            },
        )
        if len(_forms) >= MAX_FORMS:
            _forms.clear()
        _forms[key] = html
    return html


def form_html(request: HttpRequest, statement) -> str:
    """The empty comment form with a new one-time challenge (the ETag names its token).

    The template is rendered once per statement and language; a request only draws a
    challenge and fills it in (the same escaping as the template would apply)."""
    token, challenge, request.comment_issue = captcha.fresh_issue(statement.pk)
    request.comment_token = token
    language = (get_language() or statement.language)[:2]
    parts = challenge.parts(language)
    html = _empty_form(statement, language, parts["blank_first"])
    html = html.replace(_SLOTS["token"], escape(token))
    for name in ("operand", "operator", "result_words"):
        html = html.replace(_SLOTS[name], escape(str(parts[name])))
    return html


def thread_html(request: HttpRequest, statement, state) -> str:
    """The discussion with :data:`FORM_MARKER` for the form, from the cache or rendered."""
    notice = request.GET.get("comment")
    notice = notice if notice in NOTICES else ""
    page = comments_page(request)
    key = "c:" + validators.content_tag(request, state, f"{statement.pk}:{notice}:{page}")
    use_cache = pages.usable(request)
    html = pages.get(key) if use_cache else None
    if html is None:
        context = section_context(
            statement,
            site_url=settings.SITE_URL,
            notice=notice,
            form_marker=FORM_MARKER,
            page=page,
        )
        html = render_to_string("discussion/comments.html", context)
        if use_cache:
            pages.put(key, html)
    return html


def splice(request: HttpRequest, response: HttpResponse, statement, state) -> None:
    """Put the discussion (and a fresh form) where the cached page has its marker."""
    marker = MARKER.encode()
    content = response.content
    if marker not in content:
        return
    html = thread_html(request, statement, state)
    if FORM_MARKER in html:
        html = html.replace(FORM_MARKER, form_html(request, statement), 1)
    response.content = content.replace(marker, html.encode(), 1)
