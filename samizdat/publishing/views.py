"""Public views: thin, each a query or two and a template."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from samizdat import languages
from samizdat.caching.decorators import public_page, statement_page

from . import preload
from .archive import ArchivePage, archive_page
from .models import Page, Section, Statement, Tag

MAX_SLUG_LENGTH = 200


def _language() -> str:
    return languages.current()


def _paginate(queryset: QuerySet, page: int) -> ArchivePage:
    """Archive pages numbered from the oldest (archive.py): 0 is the listing itself."""
    return archive_page(queryset, settings.STATEMENTS_PER_PAGE, page)


@public_page
def home(request: HttpRequest) -> HttpResponse:
    statements = list(
        Statement.objects.published()
        .in_language(_language())
        .for_list_page()[: settings.HOME_STATEMENTS]
    )
    return render(request, "publishing/home.html", {"statements": statements})


@public_page
def section(request: HttpRequest, section: str, page: int = 0) -> HttpResponse:
    section_obj = get_object_or_404(Section, slug=section)
    queryset = (
        Statement.objects.published()
        .in_language(_language())
        .filter(section=section_obj)
        .for_list_page()
    )
    page_obj = _paginate(queryset, page)
    return render(
        request,
        "publishing/section.html",
        {"section": section_obj, "page_obj": page_obj, "statements": page_obj.object_list},
    )


@public_page
def tag(request: HttpRequest, tag: str, page: int = 0) -> HttpResponse:
    if len(tag) > 100:
        raise Http404
    tag_obj = get_object_or_404(Tag, slug=tag)
    queryset = (
        Statement.objects.published().in_language(_language()).filter(tags=tag_obj).for_list_page()
    )
    page_obj = _paginate(queryset, page)
    return render(
        request,
        "publishing/tag.html",
        {"tag": tag_obj, "page_obj": page_obj, "statements": page_obj.object_list},
    )


def get_public_statement(section: str, slug: str, language: str) -> Statement:
    """The published statement at a URL, with everything its page shows, in a fixed few queries
    (none while the mirror's export has loaded it with its batch: preload.py)."""
    if len(slug) > MAX_SLUG_LENGTH:
        raise Http404
    statement = preload.take(language, section, slug)
    if statement is None:
        statement = get_object_or_404(
            preload.page_queryset(), language=language, section__slug=section, slug=slug
        )
        preload.attach_translations([statement])
    return statement


@statement_page
def statement(request: HttpRequest, section: str, slug: str) -> HttpResponse:
    statement_obj = get_public_statement(section, slug, _language())
    return render(request, "publishing/statement.html", {"statement": statement_obj})


@public_page
def page(request: HttpRequest, slug: str) -> HttpResponse:
    page_obj = get_object_or_404(Page, slug=slug, language=_language(), is_published=True)
    others = list(
        Page.objects.filter(slug=slug, is_published=True)
        .exclude(pk=page_obj.pk)
        .only("language", "slug", "title")
    )
    return render(request, "publishing/page.html", {"page": page_obj, "other_versions": others})
