"""A test clock for ``ratelimit.clock`` / ``captcha.now``: tests move time instead of sleeping."""

from __future__ import annotations

import time


class Clock:
    def __init__(self, start: float | None = None) -> None:
        self.t = float(int(time.time())) if start is None else float(start)

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds
