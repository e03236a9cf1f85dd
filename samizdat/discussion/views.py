"""Comment views: post (Post/Redirect/Get), reply form, one-click unsubscribe."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samizdat.core.clientip import client_ip
from samizdat.publishing.models import Statement
from samizdat.publishing.views import get_public_statement

from . import conf, notifications, privacy, spam
from .forms import CAPTCHA_ERRORS, CommentForm
from .models import Comment, CommentPolicy, comments_open
from .services import RATE_CLIENT_ERROR, save_comment
from .templatetags.discussion import page_of

UNAVAILABLE = _(
    "This statement is not available (any more), so your comment could not be posted. "
    "Your text is below so you can keep it."
)
# What taking a comment reads of its statement (the rest, its text above all, stays in the
# database unless an error page shows the statement).
POSTING_FIELDS = ("id", "slug", "language", "status", "published_at", "section__slug",
                  "comment_policy")  # fmt: skip
CLOSED = _("Comments on this statement are closed. Your text is below so you can keep it.")


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


def _too_big(request: HttpRequest) -> HttpResponse:
    context = {"max_chars": conf.MAX_TEXT_LENGTH}
    return render(request, "discussion/too_big.html", context, status=400)


def _unavailable(request: HttpRequest, post, message, status: int, statement=None):
    text = post.get("text", "") if hasattr(post, "get") else ""
    context = {
        "message": message,
        "kept_text": text if isinstance(text, str) else "",
        "back_statement": statement,
    }
    return render(request, "discussion/unavailable.html", context, status=status)


def _statement_page(request, statement: Statement, form: CommentForm, *, error=None, status=200):
    full = get_public_statement(statement.section.slug, statement.slug, statement.language)
    context = {"statement": full, "comment_form": form, "comment_error": error}
    return render(request, "publishing/statement.html", context, status=status)


@csrf_exempt
@require_POST
def post_comment(request: HttpRequest, statement_id: int) -> HttpResponse:
    """Check and save a comment, then redirect (Post/Redirect/Get).

    Exempt from Django's CSRF check on purpose: public pages carry no per-visitor cookie (they
    must stay cacheable and mirrorable), so there is no CSRF cookie to compare with. The form
    is instead bound by its one-time signed captcha token, which is tied to this statement and
    spent on first use; the trusted-author cookie is SameSite=Strict, so a post from another
    site can never be auto-approved in a reader's name; and browsers that say the request is
    cross-site (Sec-Fetch-Site) are refused.
    """
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > conf.MAX_POST_BYTES:
            return _too_big(request)
        post = request.POST
    except (RequestDataTooBig, ValueError):
        return _too_big(request)
    except (MultiPartParserError, SuspiciousOperation, OSError):
        return _too_big(request)
    language = _language()
    statement = (
        Statement.objects.published()
        .filter(pk=statement_id, language=language)
        .select_related("section", "comment_policy")
        .only(*POSTING_FIELDS)  # not the text: it is not needed to take a comment
        .first()
    )
    if statement is None:
        return _unavailable(request, post, UNAVAILABLE, 404)
    try:
        policy = statement.comment_policy
    except CommentPolicy.DoesNotExist:
        policy = None
    if not comments_open(statement, policy):
        return _unavailable(request, post, CLOSED, 403, statement)

    form = CommentForm(post, statement=statement)
    client_hash = privacy.ip_hash(client_ip(request))
    too_many_attempts = spam.over_rate("attempt", client_hash, conf.attempt_rate())
    valid = form.is_valid()
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        form.add_error("answer", CAPTCHA_ERRORS["invalid"])
        valid = False
    if too_many_attempts:
        return _statement_page(request, statement, form, error=RATE_CLIENT_ERROR, status=429)
    if not valid:
        return _statement_page(request, statement, form, status=400)

    author_key = privacy.read_author_key(request)  # "" for a browser without one
    result = save_comment(form, client_hash=client_hash, author_key=author_key, language=language)
    if not isinstance(result, Comment):
        return _statement_page(request, statement, form, error=result, status=429)
    url = statement.get_absolute_url()
    if result.status == Comment.Status.APPROVED:
        page = page_of(result)
        where = f"comments={page}&" if page > 1 else ""
        response = HttpResponseRedirect(f"{url}?{where}comment=posted#{result.anchor}")
    else:
        response = HttpResponseRedirect(f"{url}?comment=pending#comments")
    if result.author_key:
        privacy.set_author_cookie(response, result.author_key, secure=request.is_secure())
    return response


@require_GET
def reply(request: HttpRequest, comment_id: int) -> HttpResponse:
    """The statement page with the form set to answer one comment (works without JavaScript)."""
    parent = (
        Comment.objects.approved()
        .filter(pk=comment_id, statement__language=_language())
        .select_related("statement__section")
        .first()
    )
    if parent is None or not parent.statement.is_public:
        raise Http404
    form = CommentForm(initial={"parent": parent.pk}, statement=parent.statement)
    full = get_public_statement(
        parent.statement.section.slug, parent.statement.slug, parent.statement.language
    )
    context = {"statement": full, "comment_form": form, "reply_to": parent}
    return render(request, "publishing/statement.html", context)


def _token_page(request, token, read, act, template):
    """GET shows a button and changes nothing (mail scanners follow links); POST acts."""
    target = read(token) if len(token) < 300 else None
    done = target is not None and request.method == "POST"
    if done:
        act(target)
    context = {"ok": target is not None, "done": done, "moderator": isinstance(target, int)}
    return render(request, template, context, status=200 if context["ok"] else 400)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop mails: the button's POST or the RFC 8058 one-click POST from mail programs.

    CSRF-exempt because mail programs post without a cookie; the signed token is the proof.
    """
    return _token_page(
        request,
        token,
        notifications.read_unsubscribe_token,
        notifications.unsubscribe,
        "discussion/unsubscribed.html",
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Double opt-in: the address owner confirms that they want reply notifications."""
    return _token_page(
        request,
        token,
        notifications.read_confirm_token,
        notifications.confirm,
        "discussion/confirm.html",
    )
