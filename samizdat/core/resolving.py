"""URL resolution remembered per path (the app server's handler uses it: samizdat.asgi).

Django resolves every request by walking the URLconf: a statement page, the last pattern of
the publishing app after the root files, the feeds, search, comments, history and the rest,
is 17 resolvers and 34 patterns, about as long as the rest of a cached page's own work. The
URLconf does not change while a process runs, so the result for a path (in the active
language: the language prefix is part of the pattern) is kept and handed out as a copy.
Failed resolutions are not kept, nor are requests with their own ``urlconf``; a new resolver
(tests clearing the URL caches) starts afresh. Bounded: cleared whole when full, so random
paths cost the walk again, never memory.
"""

from __future__ import annotations

from django.urls import ResolverMatch, get_resolver
from django.utils.translation import get_language

MAX_PATHS = 1024


class RememberedResolution:
    """Mixed into a Django handler: ``resolve_request`` remembers its matches."""

    _resolved: dict[tuple[str, str | None], tuple[object, ResolverMatch]]

    def resolve_request(self, request):
        if hasattr(request, "urlconf"):
            return super().resolve_request(request)
        resolver = get_resolver()
        remembered = getattr(self, "_resolved", None)
        if remembered is None:
            remembered = self._resolved = {}
        key = (request.path_info, get_language())
        entry = remembered.get(key)
        if entry is None or entry[0] is not resolver:
            match = super().resolve_request(request)  # Resolver404 propagates, not kept
            if len(remembered) >= MAX_PATHS:
                remembered.clear()
            remembered[key] = (resolver, _copy(match))  # not the one this request may change
            return match
        match = _copy(entry[1])
        request.resolver_match = match
        return match


def _copy(match: ResolverMatch) -> ResolverMatch:
    """A copy a view or middleware may change (ResolverMatch refuses copy.copy: no pickling)."""
    fresh = ResolverMatch.__new__(ResolverMatch)
    fresh.__dict__.update(match.__dict__)
    for name in ("kwargs", "captured_kwargs", "extra_kwargs"):
        value = getattr(match, name)
        setattr(fresh, name, dict(value) if value is not None else None)
    return fresh
