from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url

from samizdat import languages

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context, language: str) -> str:
    """This page's URL in another language (same slugs), or that language's home."""
    request = context.get("request")
    if request is None:
        return f"/{language}/"
    url = translate_url(request.path, language)
    if url == request.path and language != languages.current():
        return f"/{language}/"
    return url


@register.filter
def language_name(code: str) -> str:
    return languages.get(code).name


@register.simple_tag
def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
