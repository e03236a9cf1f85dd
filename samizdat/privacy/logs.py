"""Log records without client addresses or query strings (docs/privacy.md, "Logs").

Django's loggers (django.request, django.security …) write paths with their query strings
("Not Found: /search/?q=…") and sometimes addresses; a subpoenaed log must show neither who
asked nor what they searched for. Times are cut to the minute by the formatter in settings.
"""

from __future__ import annotations

import logging
import re

IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
QUERY = re.compile(r"\?[^\s\"'<>]*")


def scrub(text: str) -> str:
    """``text`` with every query string dropped and every IP address replaced by ``[address]``."""
    text = QUERY.sub("?…", text)
    text = IPV4.sub("[address]", text)
    return IPV6.sub(
        lambda m: "[address]" if m.group(0).count(":") >= 2 and len(m.group(0)) > 2 else m.group(0),
        text,
    )


class PrivacyFilter(logging.Filter):
    """Rewrite each record's message through :func:`scrub`; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's error path
            return True
        record.msg, record.args = scrub(message), ()
        if hasattr(record, "request"):
            record.request = None  # handlers such as AdminEmailHandler would print META
        return True
