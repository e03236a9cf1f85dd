"""``{% comment_section %}``: the comments of ``statement`` in two queries, however many
(or, on the cached statement page, a marker the discussion is spliced into: fragments.py)."""

from __future__ import annotations

from django import template
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from samizdat.publishing.panels import loaded_relation, prefetched

from .. import captcha, conf
from ..forms import CommentForm
from ..models import Comment, CommentPolicy, comments_open
from ..text import render_comment

register = template.Library()
NOTICES = {"pending", "posted"}
MARKER = "<!--samizdat:comments-->"  # where samizdat.caching splices the discussion in
APPROVED = "_approved_comments"
FIELDS = ("pk", "parent_id", "name", "text", "created_at")


def prefetches() -> list[Prefetch]:
    """The approved comments of a batch of statements in one query (the mirror's export:
    publishing.panels.register_prefetch); a single page reads only its shown page of them."""
    approved = Comment.objects.approved().only("statement_id", *FIELDS)
    return [Prefetch("comments", approved.order_by("created_at", "pk"), to_attr=APPROVED)]


def comments_page(request) -> int:
    """The discussion page a URL asks for (``?comments=N``; anything else is page 1)."""
    value = request.GET.get("comments", "") if request is not None else ""
    return int(value) if value.isdecimal() and len(value) < 6 else 1


def thread_roots(rows: list[tuple[int, int | None]]) -> list[int]:
    """The comments that start a thread (as build_threads: a reply to a hidden one does)."""
    shown = {pk for pk, _parent in rows}
    return [pk for pk, parent in rows if parent not in shown]


def in_threads(rows: list[tuple[int, int | None]], roots: set[int]) -> set[int]:
    """The comments of the threads that start at ``roots`` (rows are oldest first)."""
    children: dict[int, list[int]] = {}
    for pk, parent in rows:
        children.setdefault(parent, []).append(pk)
    wanted, todo = set(), list(roots)
    while todo:
        pk = todo.pop()
        if pk not in wanted:
            wanted.add(pk)
            todo.extend(children.get(pk, ()))
    return wanted


def page_of(comment: Comment) -> int:
    """The discussion page that shows ``comment`` (its thread's place among the threads)."""
    rows = list(
        Comment.objects.approved()
        .filter(statement_id=comment.statement_id)
        .order_by("created_at", "pk")
        .values_list("pk", "parent_id")
    )
    shown = {pk for pk, _parent in rows}
    parents = dict(rows)
    roots = thread_roots(rows)
    root = comment.pk
    while parents.get(root) in shown:
        root = parents[root]
    index = roots.index(root) if root in roots else 0
    return index // conf.threads_per_page() + 1


def build_threads(comments: list[Comment]) -> list[Comment]:
    """Top-level comments, each with ``thread_children``; replies to hidden comments go on top."""
    by_id = {c.pk: c for c in comments}
    roots: list[Comment] = []
    for c in comments:
        c.thread_children = []
    for c in comments:
        parent = by_id.get(c.parent_id) if c.parent_id else None
        (parent.thread_children if parent is not None else roots).append(c)
    return roots


def section_context(
    statement,
    *,
    request=None,
    static_export: bool = False,
    site_url: str = "",
    form: CommentForm | None = None,
    comment_error=None,
    reply_to=None,
    notice: str | None = None,
    form_marker: str = "",
    page: int = 1,
) -> dict:
    """What discussion/comments.html shows. With ``form_marker`` the form (and its one-time
    token) is left out and the marker stands in its place (fragments.py fills it per request).
    """
    approved = Comment.objects.approved().filter(statement_id=statement.pk)
    loaded = prefetched(statement, APPROVED)  # the mirror's batch
    # The shape of the whole discussion is two integers a comment; only one page is loaded.
    if loaded is not None:
        rows = [(c.pk, c.parent_id) for c in loaded]
    else:
        rows = list(approved.order_by("created_at", "pk").values_list("pk", "parent_id"))
    roots = thread_roots(rows)
    per_page = conf.threads_per_page()
    pages = max(1, -(-len(roots) // per_page))
    page = min(max(1, page), pages)
    wanted = in_threads(rows, set(roots[(page - 1) * per_page : page * per_page]))
    if not rows:  # no comment yet: nothing more to read
        comments = []
    elif loaded is not None:
        comments = [c for c in loaded if c.pk in wanted]
    elif len(wanted) < len(rows):
        comments = list(approved.filter(pk__in=wanted).only(*FIELDS).order_by("created_at", "pk"))
    else:
        comments = list(approved.only(*FIELDS).order_by("created_at", "pk"))
    threads = build_threads(comments)
    policy = loaded_relation(statement, "comment_policy", False)
    if policy is False:  # not loaded with the statement
        policy = CommentPolicy.objects.filter(statement_id=statement.pk).first()
    is_open = comments_open(statement, policy)
    show_form = is_open and not static_export
    token = challenge = None
    if show_form and not form_marker:
        retry = bool(form is not None and form.is_bound)
        token, challenge, issue = captcha.fresh_issue(statement.pk, retry=retry)
        if request is not None:  # the page's ETag names this token (samizdat.caching)
            request.comment_token, request.comment_issue = token, issue
        if form is None:
            form = CommentForm(statement=statement)
    language = (get_language() or statement.language)[:2]
    reply_to = reply_to or getattr(form, "parent_comment", None)
    data = {
        "statement": statement,
        "threads": threads,
        "page": page,
        "pages": pages,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < pages else None,
        "count": len(rows),
        "is_open": is_open,
        "show_form": show_form,
        "form_marker": form_marker,
        "static_export": static_export,
        "site_url": site_url,
        "form": form,
        "comment_error": comment_error,
        "reply_to": reply_to,
        "token": token,
        "challenge": challenge.parts(language) if challenge else None,
        "notice": notice if notice in NOTICES else None,
        "retention_days": conf.ip_retention_days(),
        "max_depth": conf.MAX_DEPTH,
    }
    if form_marker:  # no form here: nothing may look like this page's token
        del data["token"], data["challenge"], data["form"]
    return data


@register.simple_tag(takes_context=True)
def comment_section(context) -> SafeString:
    statement = context["statement"]
    request = context.get("request")
    static_export = bool(context.get("static_export"))
    form = context.get("comment_form")
    if getattr(request, "comments_deferred", False) and form is None and not static_export:
        # The statement page from samizdat.caching: the discussion is spliced in afterwards.
        return mark_safe(MARKER)  # noqa: S308 - a constant
    notice = request.GET.get("comment") if request is not None and not static_export else None
    data = section_context(
        statement,
        page=comments_page(request) if not static_export else 1,
        request=request,
        static_export=static_export,
        site_url=context.get("site_url", ""),
        form=form,
        comment_error=context.get("comment_error"),
        reply_to=context.get("reply_to"),
        notice=notice,
    )
    return render_to_string("discussion/comments.html", data)


@register.filter
def comment_html(text: str) -> SafeString:
    return render_comment(text or "")


@register.simple_tag
def pending_comment_count() -> int:
    return Comment.objects.pending().count()
