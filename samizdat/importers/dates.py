"""WordPress dates: ``post_date_gmt`` is UTC; ``post_date`` is the old site's local time."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from email.utils import parsedate_to_datetime

from django.conf import settings

ZERO = "0000-00-00 00:00:00"
_zone = None


def set_time_zone(name: str | None) -> None:
    """The old site's zone, for dates written only in local time (default: TIME_ZONE)."""
    global _zone
    _zone = zoneinfo.ZoneInfo(name or settings.TIME_ZONE)


def _local_zone():
    return _zone or zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _parse_plain(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
    except (ValueError, AttributeError):
        return None


def parse(gmt: str, local: str, report=None, where: str = "", rss: str = "") -> dt.datetime | None:
    """An aware datetime from the GMT date, else the local one, else the RSS pubDate."""
    for value, zone in ((gmt, dt.UTC), (local, None)):
        if value and value.strip() != ZERO:
            parsed = _parse_plain(value)
            if parsed is not None and parsed.year >= 1970:
                return parsed.replace(tzinfo=zone or _local_zone())
            if report is not None:
                report.problem("invalid date", where, value.strip()[:40])
                report = None  # once per item
    if rss:
        try:
            parsed = parsedate_to_datetime(rss)
            if parsed.tzinfo and parsed.year >= 1970:
                return parsed
        except (TypeError, ValueError, IndexError):
            pass
    return None
