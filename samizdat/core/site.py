"""Site-wide template context: name, sections and pages for the navigation.

Cached per language for a minute so every page spends no queries on navigation.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from samizdat import languages

NAV_CACHE_VERSION_KEY = "samizdat:nav-version"


def _nav_version() -> int:
    return cache.get_or_set(NAV_CACHE_VERSION_KEY, 1, None)


def bump_nav_version(**kwargs) -> None:
    try:
        cache.incr(NAV_CACHE_VERSION_KEY)
    except ValueError:
        cache.set(NAV_CACHE_VERSION_KEY, 2, None)


def site_context(language: str, content_version: str | None = None) -> dict:
    """``content_version``: the site's content version this request is validated by (see
    samizdat.caching); keyed by it, the navigation is never older than the page's ETag says,
    whichever process or cache filled it."""
    from samizdat.publishing.models import Page, Section

    key = f"samizdat:nav:{language}:{_nav_version()}:{content_version or ''}"
    nav = cache.get(key)
    if nav is None:
        nav = {
            "sections": [(s.slug, s.name_in(language)) for s in Section.objects.all()],
            "pages": [
                (p.slug, p.title) for p in Page.objects.filter(language=language, is_published=True)
            ],
        }
        cache.set(key, nav, 60)
    return {
        "site_name": settings.SITE_NAMES.get(language) or _("samizdat"),
        "site_url": settings.SITE_URL,
        "nav_sections": nav["sections"],
        "nav_pages": nav["pages"],
        "languages": languages.choices(),
        "language_direction": languages.get(language).direction,
        "onion_url": settings.ONION_URL,
    }


def connect_signals() -> None:
    from samizdat.publishing.models import Page, Section

    for model in (Page, Section):
        post_save.connect(bump_nav_version, sender=model, dispatch_uid=f"nav-{model.__name__}")
        post_delete.connect(bump_nav_version, sender=model, dispatch_uid=f"nav-d-{model.__name__}")
