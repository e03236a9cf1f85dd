"""The search page: /<lang>/search/?q=…&lang=…&section=…&page=…

Any input gives a page: filters that make no sense are ignored with a notice, queries are
reduced to safe terms (``analysis.parse_query``), page numbers are clamped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from samizdat import languages
from samizdat.caching.decorators import public_page
from samizdat.publishing.models import Section, Statement

from .analysis import MAX_QUERY_CHARS, ParsedQuery, clean_text, parse_query
from .backends import get_backend

ALL = "all"
SLUG_RE = re.compile(r"^[-\w]{1,50}$")


@dataclass
class SearchParams:
    text: str
    language: str  # a language code or ALL
    section: Section | None
    page: str
    notices: list[str] = field(default_factory=list)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(languages.codes()) if self.language == ALL else (self.language,)

    def querystring(self, **changes: str) -> str:
        params = {"q": self.text, "lang": self.language}
        if self.section:
            params["section"] = self.section.slug
        params.update(changes)
        return urlencode(params)


def parse_params(data: QueryDict, page_language: str) -> SearchParams:
    """Read the query string; bad filters become notices in the page language."""
    notices = []
    language = data.get("lang", page_language).strip() or ALL
    if language != ALL and not languages.is_enabled(language):
        notices.append(_("There is no such language filter; searching in this page's language."))
        language = page_language
    section = None
    slug = data.get("section", "").strip()
    if slug:
        section = Section.objects.filter(slug=slug).first() if SLUG_RE.match(slug) else None
        if section is None:
            notices.append(_("There is no such section; searching in all sections."))
    text = " ".join(clean_text(data.get("q", "")).split())
    return SearchParams(
        text=text, language=language, section=section, page=data.get("page", "1"), notices=notices
    )


def visible_statements(params: SearchParams) -> QuerySet:
    """What a reader may find: ``published()`` is the only definition of visible."""
    visible = Statement.objects.published().filter(language__in=params.languages)
    if params.section is not None:
        visible = visible.filter(section=params.section)
    return visible


def run_search(params: SearchParams) -> tuple[ParsedQuery, Page | None]:
    query = parse_query(params.text, params.languages)
    params.text = query.text
    if query.truncated:
        params.notices.append(
            _("Your query was shortened to its first %(n)d characters.") % {"n": MAX_QUERY_CHARS}
        )
    if not query:
        return query, None
    results = get_backend().search(query, visible_statements(params), settings.STATEMENTS_PER_PAGE)
    paginator = Paginator(results, settings.STATEMENTS_PER_PAGE)
    return query, paginator.get_page(params.page)


def _page_qs(params: SearchParams, page_obj: Page | None, step: int) -> str:
    """Query string of the previous (-1) or next (+1) page, or "" when there is none."""
    if page_obj is None:
        return ""
    number = page_obj.number + step
    if not 1 <= number <= page_obj.paginator.num_pages:
        return ""
    return params.querystring(page=str(number))


@public_page
def search(request: HttpRequest) -> HttpResponse:
    page_language = languages.current()
    params = parse_params(request.GET, page_language)
    query, page_obj = run_search(params)
    context = {
        "params": params,
        "query": query,
        "page_obj": page_obj,
        "hits": page_obj.object_list if page_obj else [],
        "language_choices": languages.labels(),
        "page_language": page_language,
        "all_languages_qs": params.querystring(lang=ALL),
        "switch_qs": urlencode({"q": params.text}) if params.text else "",
        "prev_qs": _page_qs(params, page_obj, -1),
        "next_qs": _page_qs(params, page_obj, +1),
    }
    return render(request, "search/search.html", context)
