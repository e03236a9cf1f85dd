"""``{% page_head %}``: the syndication part of a public page's ``<head>``."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from samizdat import languages
from samizdat.publishing.models import Page, Section, Statement, Tag

from ..head import page_head as build_head

register = template.Library()


def _of(context: template.Context, name: str, model: type):
    value = context.get(name)
    return value if isinstance(value, model) else None


@register.inclusion_tag("syndication/_head_tags.html", takes_context=True)
def page_head(context: template.Context) -> dict:
    request = context.get("request")
    if request is None:
        return {"head": None}
    head = build_head(
        request,
        languages.current(),
        statement=_of(context, "statement", Statement),
        section=_of(context, "section", Section),
        tag=_of(context, "tag", Tag),
        page=_of(context, "page", Page),
        page_versions=context.get("other_versions") if _of(context, "page", Page) else None,
    )
    # Escaped by json_ld_script_text: "<", ">" and "&" never appear raw.
    return {"head": head, "json_ld": mark_safe(head.json_ld)}
