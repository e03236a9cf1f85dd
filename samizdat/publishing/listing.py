"""Pages of a listing without counting the archive.

Django's Paginator runs ``COUNT(*)`` over every matching statement to print "page n of N";
at 100,000 statements that count costs more than the page. A listing page instead reads
one row more than it shows — enough to know whether an older page exists — so its cost
does not grow with the archive (docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404


@dataclass
class ListPage:
    number: int
    object_list: list
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def list_page(queryset: QuerySet, number: int, per_page: int) -> ListPage:
    """Page ``number`` (from 1) of an ordered queryset; Http404 past the last page."""
    if number < 1:
        raise Http404("No such page")
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    if not rows and number > 1:
        raise Http404("No such page")
    return ListPage(number=number, object_list=rows[:per_page], has_next=len(rows) > per_page)
