"""The newsletter's section of the staff channels page and of `samizdat channels`."""

from __future__ import annotations

from django.db.models import Count, Q

from samizdat import languages

from .models import Send, Subscriber


def summary(last: int = 10) -> dict:
    """Subscribers per list (confirmed / waiting) and the last sends with their state."""
    counts = {
        row["language"]: row
        for row in Subscriber.objects.values("language").annotate(
            confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
            pending=Count("pk", filter=Q(confirmed_at__isnull=True)),
        )
    }
    lists = [
        {
            "language": lang.code,
            "name": lang.name,
            "confirmed": counts.get(lang.code, {}).get("confirmed", 0),
            "pending": counts.get(lang.code, {}).get("pending", 0),
        }
        for lang in languages.enabled()
    ]
    sends = []
    for send in Send.objects.select_related("statement")[:last]:
        counts_ = send.counts()
        done = sum(v for k, v in counts_.items() if k not in ("pending", "sending"))
        sends.append({"send": send, "counts": counts_, "done": done, "total": send.total})
    return {"lists": lists, "sends": sends}


def channel_context(request) -> dict:
    return summary()
