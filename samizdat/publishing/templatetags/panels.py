"""``{% panels "slot" %}``: render the parts other apps registered for a slot."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..panels import panels as registered

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str) -> SafeString:
    parts = []
    for panel in registered(slot):
        if isinstance(panel.render, str):
            tmpl = context.template.engine.get_template(panel.render)
            with context.push():  # like {% include %}: the panel sees the page's context
                parts.append(tmpl.render(context))
        else:
            parts.append(str(panel.render(context)))
    return mark_safe("".join(parts))  # templates escape; callables must return safe HTML
