"""What every target does: send new files, then entry points, then delete what is gone."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field

from ..stage import Stage, entry_order, is_entry

_print_lock = threading.Lock()


class TargetError(Exception):
    """A target refused or failed; the message says why, for the operator."""


@dataclass
class Report:
    name: str
    kind: str
    files: int = 0
    bytes: int = 0
    deleted: int = 0
    seconds: float = 0.0
    error: str = ""
    notes: list[str] = field(default_factory=list)
    quiet: bool = False
    extra: dict = field(default_factory=dict)
    _last: float = 0.0

    def say(self, message: str) -> None:
        if not self.quiet:
            with _print_lock:
                print(f"[{self.name}] {message}", file=sys.stderr, flush=True)

    def tick(self, done: int, total: int, what: str = "sent") -> None:
        now = time.monotonic()
        if done == total or now - self._last > 2:
            self._last = now
            self.say(f"{what} {done}/{total} files")


class Push:
    """Subclasses implement ``remote()``, ``send(rels)`` and ``delete(rels)``."""

    def __init__(self, target, stage: Stage, report: Report):
        self.target = target
        self.stage = stage
        self.report = report
        self.remote_files: dict[str, str] = {}

    # rel -> a token compared with ``local_token`` (sha256, md5/ETag…); missing = absent
    def remote(self) -> dict[str, str]:
        raise NotImplementedError

    def local_token(self, rel: str) -> str:
        return self.stage.files[rel].sha256

    def send(self, rels: list[str]) -> None:
        raise NotImplementedError

    def delete(self, rels: list[str]) -> None:
        raise NotImplementedError

    def changed(self, rels) -> list[str]:
        return [r for r in rels if self.remote_files.get(r) != self.local_token(r)]

    def content(self) -> None:
        """Phase 1: every changed file except the entry points; nothing is deleted."""
        self.remote_files = self.remote()
        todo = self.changed(sorted(r for r in self.stage.files if not is_entry(r)))
        self.report.say(f"{len(todo)} of {len(self.stage.files)} files to send")
        self.send(todo)

    def switch(self) -> None:
        """Phase 2: entry points (the signed list last), then deletions."""
        todo = self.changed(sorted((r for r in self.stage.files if is_entry(r)), key=entry_order))
        self.send(todo)
        gone = sorted(set(self.remote_files) - set(self.stage.files))
        if gone:
            self.report.say(f"deleting {len(gone)} files")
            self.delete(gone)
            self.report.deleted += len(gone)

    def count(self, rel: str) -> None:
        self.report.files += 1
        self.report.bytes += self.stage.files[rel].size
