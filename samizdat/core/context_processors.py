from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict:
    from samizdat.core.site import site_context

    context = site_context(get_language() or settings.LANGUAGE_CODE)
    # The static mirror renders pages through the test client with this environ key set;
    # templates use it to drop live-only parts (comment form) and link to the live site.
    context["static_export"] = bool(request.META.get("samizdat.export"))
    return context
