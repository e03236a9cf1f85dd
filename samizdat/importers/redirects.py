"""Old WordPress URLs as redirect keys, and a buffer that writes redirects in batches.

A key is the decoded path (``/2024/05/привет/``), or for WordPress's query links the
directory plus the one query that names the object (``/?p=12``, ``/?page_id=7``).
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from django.contrib.contenttypes.models import ContentType

from .models import Redirect

WP_QUERY_KEYS = ("p", "page_id", "attachment_id", "cat")
BATCH = 1000


def redirect_key(path: str, query) -> str:
    """The key for a decoded ``path`` and its query (a dict of lists or a QueryDict)."""
    path = path or "/"
    if path.endswith("/index.php"):
        path = path[: -len("index.php")]
    if path.endswith("/"):
        for name in WP_QUERY_KEYS:
            values = query.getlist(name) if hasattr(query, "getlist") else query.get(name)
            if values and str(values[0]).isdigit():
                return f"{path}?{name}={int(values[0])}"
    return path


def key_from_url(url: str) -> str:
    parts = urlsplit(url or "")
    return redirect_key(unquote(parts.path), parse_qs(parts.query))


class RedirectBuffer:
    """Collects redirects and writes only new or changed ones, ``BATCH`` at a time."""

    def __init__(self, report):
        self.report = report
        self.pending: dict[str, tuple[str, object]] = {}

    def add(self, old_url_or_path: str, new_url: str, target=None) -> None:
        key = key_from_url(old_url_or_path)
        if not key or key == new_url or len(key) > 1000 or key == "/":
            return
        self.pending[key] = (new_url, target)
        if len(self.pending) >= BATCH:
            self.flush()

    def forget_except(self, keys: set[str]) -> None:
        self.pending = {k: v for k, v in self.pending.items() if k in keys}

    def flush(self) -> None:
        if not self.pending:
            return
        existing = {
            r.old_path: (r.new_url, r.content_type_id, r.object_id)
            for r in Redirect.objects.filter(old_path__in=list(self.pending))
        }
        rows = []
        for key, (new_url, target) in self.pending.items():
            ctype = ContentType.objects.get_for_model(target).pk if target is not None else None
            object_id = target.pk if target is not None else None
            value = (new_url, ctype, object_id)
            if key in existing and existing[key] == value:
                self.report.count("redirect", "unchanged")
                continue
            self.report.count("redirect", "updated" if key in existing else "created")
            rows.append(
                Redirect(old_path=key, new_url=new_url, content_type_id=ctype, object_id=object_id)
            )
        if rows:
            Redirect.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["old_path"],
                update_fields=["new_url", "content_type", "object_id"],
            )
        self.pending.clear()
