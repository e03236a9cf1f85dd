"""Sections of the staff "Channels" page (newsletter, fediverse, …) that apps contribute.

An app registers its section in its ``AppConfig.ready()``::

    from samizdat.core.channels import register_channel
    register_channel("newsletter", "newsletter/channels.html", channel_context, order=10)

``context(request)`` returns the template's context (subscribers per list, last sends …);
the page renders every registered section in ``order`` (then name). An app left out of
``INSTALLED_APPS`` registers nothing, so its section is simply absent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Channel:
    name: str
    template: str
    context: Callable[[HttpRequest], dict]
    order: int = 100


_channels: dict[str, Channel] = {}


def register_channel(
    name: str, template: str, context: Callable[[HttpRequest], dict], order: int = 100
) -> None:
    """Add (or, under the same name, replace) a section of the channels page."""
    if not isinstance(template, str) or not callable(context):
        raise TypeError("a channel is a template name and a callable taking the request")
    _channels[name] = Channel(name, template, context, order)


def unregister_channel(name: str) -> None:
    _channels.pop(name, None)


def channels() -> list[Channel]:
    return sorted(_channels.values(), key=lambda c: (c.order, c.name))


def channels_page(request: HttpRequest):
    """The staff page: every registered section (wrapped by the admin site: staff with their
    second factor only, see samizdat/urls.py)."""
    import logging

    from django.contrib import admin
    from django.template.loader import render_to_string
    from django.template.response import TemplateResponse
    from django.utils.translation import gettext as _

    sections = []
    for channel in channels():
        try:
            html = render_to_string(channel.template, channel.context(request), request)
        except Exception:  # one broken section must not take the page down
            logging.getLogger(__name__).exception("channel section %s failed", channel.name)
            html = ""
        sections.append({"name": channel.name, "html": html})
    context = {**admin.site.each_context(request), "title": _("Channels"), "sections": sections}
    return TemplateResponse(request, "admin/channels.html", context)
