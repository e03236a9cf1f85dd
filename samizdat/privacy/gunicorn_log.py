"""gunicorn's logger with times to the minute (``samizdat serve`` passes it as --logger-class).

To the second, an access log line can be matched with a network operator's records of who
connected when; a minute blurs that in a busy hour (docs/privacy.md, "Logs").
"""

from __future__ import annotations

import time

from gunicorn.glogging import Logger

from .logs import PrivacyFilter


class MinuteLogger(Logger):
    """Also filters gunicorn's error log ("Invalid request from ip=…" names the client)."""

    datefmt = "[%Y-%m-%d %H:%M %z]"

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(isinstance(f, PrivacyFilter) for f in self.error_log.filters):
            self.error_log.addFilter(PrivacyFilter())

    def now(self) -> str:
        return time.strftime("[%d/%b/%Y:%H:%M %z]")
