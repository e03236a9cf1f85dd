"""Slots in the site's pages that other apps fill, so no template names another app.

An app registers its parts in its ``AppConfig.ready()``::

    from samizdat.publishing.panels import register_panel
    register_panel("signature", "authenticity/_signature.html", order=100, slot="statement")

A part is a template name (rendered with the page's context) or a callable
``(context) -> str`` (its result is inserted as it is: escape what you build). Templates render
a slot with ``{% load panels %}{% panels "statement" %}``. An app left out of
``INSTALLED_APPS`` never runs its ``ready()``, so its parts are simply absent.

Slots used by the site's templates:

- ``head``: ``<head>`` contributions of public pages (syndication: canonical, hreflang, feeds);
- ``header``: the end of the sections bar (search: the search form);
- ``statement_top``: inside a statement's article, after its title lines (history: notices);
- ``statement``: inside a statement's article, after its text and tags (authenticity);
- ``statement_after``: below the article (discussion: the comments);
- ``footer``: the site footer (authenticity: the signing key line).

A part that reads a one-to-one row of the statement (its signature, its translation state,
its comment settings) registers the relation with :func:`register_relation`: the statement
page loads it in the statement's own query (a join) instead of a query of its own, and the
part reads it with :func:`loaded_relation`. A part that lists rows pointing at the statement
(its public revisions) may register a ``Prefetch`` with :func:`register_prefetch`: the
mirror's export loads it for a batch of statements at once (``publishing/preload.py``); a
single page leaves it to the part, whose own query (with a LIMIT) is cheaper than a prefetch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Renderer = str | Callable[[object], str]


@dataclass(frozen=True)
class Panel:
    name: str
    render: Renderer  # template name or callable(context) -> str
    order: int
    slot: str


_slots: dict[str, dict[str, Panel]] = {}
_relations: set[str] = set()
_prefetches: dict[str, Callable[[], list]] = {}
_MISSING = object()


def register_panel(name: str, render: Renderer, order: int = 100, slot: str = "statement") -> None:
    """Add (or, under the same name, replace) a part of ``slot``; lower ``order`` comes first."""
    if not (isinstance(render, str) or callable(render)):
        raise TypeError("a panel is a template name or a callable taking the context")
    _slots.setdefault(slot, {})[name] = Panel(name, render, order, slot)


def register_head(name: str, render: Renderer, order: int = 100) -> None:
    """A contribution to the ``<head>`` of public pages."""
    register_panel(name, render, order, slot="head")


def unregister_panel(name: str, slot: str = "statement") -> None:
    _slots.get(slot, {}).pop(name, None)


def panels(slot: str) -> list[Panel]:
    return sorted(_slots.get(slot, {}).values(), key=lambda p: (p.order, p.name))


def register_relation(name: str) -> None:
    """Load the statement's reverse one-to-one ``name`` with the statement on its page."""
    _relations.add(name)


def relations() -> list[str]:
    return sorted(_relations)


def register_prefetch(name: str, factory: Callable[[], list]) -> None:
    """Load what ``factory()`` gives (``django.db.models.Prefetch`` objects with a
    ``to_attr``) with a batch of statements; the part reads it with :func:`prefetched` and
    queries when it is absent. A factory, not the objects: Django keeps the last instance on
    a Prefetch's queryset, which would hold a batch alive between exports."""
    _prefetches[name] = factory


def prefetches() -> list:
    """New Prefetch objects of every registered part."""
    return [lookup for name in sorted(_prefetches) for lookup in _prefetches[name]()]


def prefetched(statement, to_attr: str):
    """The rows a registered prefetch put on ``statement``, or None when it was not loaded."""
    return getattr(statement, to_attr, None)


def loaded_relation(statement, name: str, default=_MISSING):
    """The row of ``statement.<name>`` as the page's query loaded it (None when there is no
    row), or ``default`` when it was not loaded (the caller queries it itself)."""
    relation = statement._meta.get_field(name)
    if not relation.is_cached(statement):
        return default
    return relation.get_cached_value(statement)
