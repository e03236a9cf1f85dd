"""Listing pages numbered from the oldest, so that an archive page never changes once full.

A list of ``total`` statements, ``per_page`` to a page, newest first:

- the listing itself (``/<section>/``, ``/tags/<tag>/``) shows the newest ones: between
  ``per_page`` and ``2 × per_page − 1`` of them (all of them while there are fewer);
- archive page 1 (``…/page/1/``) holds the oldest ``per_page``, page 2 the next ``per_page`` …
  up to page ``archive_pages(total, per_page)``; every archive page is full.

Publishing a statement changes the listing itself and, once in ``per_page`` publications, adds
an archive page (its neighbour's "Newer" link moves to it); the pages before never change, so
caches and the static mirror keep them (docs/mirror.md). Pages show "Archive page N", not
"N of M", for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404


def archive_pages(total: int, per_page: int) -> int:
    """How many full archive pages a list of ``total`` has (0 while it fits the listing)."""
    return max(0, total // per_page - 1)


@dataclass
class ArchivePage:
    """One page of a list: ``number`` 0 is the listing itself, 1 … ``pages`` the archive."""

    number: int
    pages: int
    object_list: list = field(default_factory=list)

    @property
    def has_other_pages(self) -> bool:
        return self.pages > 0

    @property
    def has_previous(self) -> bool:  # a newer page: the next archive page or the listing
        return self.number > 0

    @property
    def previous_page_number(self) -> int | None:
        """The newer archive page; None when the newer page is the listing itself."""
        return self.number + 1 if 0 < self.number < self.pages else None

    @property
    def has_next(self) -> bool:  # an older page
        return self.pages > 0 and self.number != 1

    @property
    def next_page_number(self) -> int:
        return self.pages if self.number == 0 else self.number - 1


def archive_page(queryset: QuerySet, per_page: int, number: int = 0) -> ArchivePage:
    """Page ``number`` of a newest-first queryset; Http404 when it does not exist."""
    total = queryset.count()
    pages = archive_pages(total, per_page)
    if number == 0:
        items = list(queryset[: total - pages * per_page])
    elif 1 <= number <= pages:
        # From the oldest: the same rows whatever was published since.
        items = list(queryset.reverse()[(number - 1) * per_page : number * per_page])[::-1]
    else:
        raise Http404("No such page")
    return ArchivePage(number, pages, items)
