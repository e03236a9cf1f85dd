"""The fediverse part of the admin's channels page (registered by samizdat.core.channels).

``channel_context(request)`` gives the template ``federation/channels.html`` the followers of
each language's actor and the latest deliveries with their state.
"""

from __future__ import annotations

from django.db.models import Count

from samizdat import languages

from . import activities
from .models import Actor, Delivery

LAST_DELIVERIES = 20


def channel_context(request) -> dict:
    counts = dict(Actor.objects.annotate(n=Count("followers")).values_list("language", "n"))
    states = {
        row["state"]: row["n"]
        for row in Delivery.objects.values("state").annotate(n=Count("pk")).order_by()
    }
    actors = [
        {
            "language": code,
            "name": languages.get(code).name,
            "handle": f"@{code}@{activities.host()}",
            "url": activities.actor_id(code),
            "followers": counts.get(code, 0),
        }
        for code in languages.codes()
    ]
    return {
        "federation_actors": actors,
        "federation_deliveries": list(Delivery.objects.select_related("actor")[:LAST_DELIVERIES]),
        "federation_states": [
            (label, states.get(value, 0)) for value, label in Delivery.State.choices
        ],
    }
