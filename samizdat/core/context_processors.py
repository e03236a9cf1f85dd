from django.http import HttpRequest

from samizdat import languages


def site(request: HttpRequest) -> dict:
    from samizdat.core.site import site_context

    state = getattr(request, "_content_state", None)  # set by samizdat.caching's decorators
    version = f"v{state.site.token()}" if state is not None else None
    context = site_context(languages.current(), version)
    # The static mirror renders pages through the test client with this environ key set;
    # templates use it to drop live-only parts (comment form) and link to the live site.
    context["static_export"] = bool(request.META.get("samizdat.export"))
    return context
