"""URLs: public pages under a language prefix, admin and well-known files outside it.

Every public URL ends in "/" so the static mirror can write it as ``…/index.html``.
"""

from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from samizdat.core import views as core_views
from samizdat.core.channels import channels_page


def installed(app: str, route: str, urls: str = "urls") -> list:
    """An optional app's URLs (``samizdat.<app>.<urls>``): none when it is not installed."""
    if not apps.is_installed(f"samizdat.{app}"):
        return []
    return [path(route, include(f"samizdat.{app}.{urls}"))]


urlpatterns = [
    # Second-factor pages, open to a staff session that has passed its password only.
    path("admin/2fa/", include("samizdat.accounts.urls")),
    path("admin/2fa/webauthn/", include("samizdat.accounts.webauthn")),
    path("admin/channels/", admin.site.admin_view(channels_page), name="channels"),
    path("admin/", admin.site.urls),
    *installed("syndication", "", "urls_root"),
    *installed("authenticity", "", "urls_root"),
    *installed("federation", ""),  # /.well-known/webfinger, /ap/… (ActivityPub)
    *installed("mirror.network", "", "urls_root"),
    path("", core_views.root_redirect, name="root"),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")), core_views.media)
    ]

urlpatterns += i18n_patterns(
    *installed("search", "search/"),
    *installed("syndication", "feeds/"),
    *installed("discussion", "comments/"),
    # The newsletter's forms use the discussion's word captcha (and its spent-token table).
    *(installed("newsletter", "newsletter/") if apps.is_installed("samizdat.discussion") else []),
    *installed("authenticity", ""),
    *installed("mirror.network", ""),
    *installed("history", ""),
    path("", include("samizdat.publishing.urls")),
    prefix_default_language=True,
)

handler404 = "samizdat.core.views.page_not_found"
handler500 = "samizdat.core.views.server_error"
handler400 = "samizdat.core.views.bad_request"
