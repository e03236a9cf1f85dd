"""URL paths of the live site ↔ files of the mirror.

A URL path such as ``/ru/tags/%D0%B2/`` is kept percent-encoded everywhere links are made
(``ru/tags/%D0%B2/index.html``); only file-system operations decode it.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, unquote

# Characters left as they are when a path is (re-)encoded: RFC 3986 pchar plus "/".
_SAFE = "/-._~!$&'()*+,;=:@"
_ALREADY_CANONICAL = re.compile(r"[A-Za-z0-9/\-._~!$&'()*+,;=:@]*")
_UNSAFE_SEGMENT = re.compile(r"(?:^|/)\.{0,2}(?:/|$)")


def canonical_path(path: str) -> str:
    """One spelling per URL path: percent-encoded UTF-8, upper-case escapes."""
    if _ALREADY_CANONICAL.fullmatch(path):
        return path
    return quote(unquote(path), safe=_SAFE)


def url_file(path: str) -> str:
    """``/ru/a/`` → ``ru/a/index.html``; ``/ru/feeds/atom.xml`` → ``ru/feeds/atom.xml``."""
    rel = canonical_path(path).lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return rel


def fs_name(rel: str) -> str:
    """The decoded file-system path of an encoded mirror path."""
    return unquote(rel)


def is_safe_rel(rel: str) -> bool:
    """True for a plain relative path that stays inside the mirror."""
    name = fs_name(rel) if "%" in rel else rel
    if not name or "\\" in name or "\x00" in name:
        return False
    return _UNSAFE_SEGMENT.search(name) is None


def relative_link(from_file: str, to_file: str) -> str:
    """The page-relative link from one mirror file to another (both root-relative).

    What ``posixpath.relpath(to_file, dirname(from_file))`` gives, in string operations only
    (``relpath`` asks the OS for the working directory twice a call; a page has ~50 links).
    """
    start = posixpath.normpath("/" + posixpath.dirname(from_file)).split("/")[1:]
    target = posixpath.normpath("/" + to_file).split("/")[1:]
    start, target = [p for p in start if p], [p for p in target if p]
    common = 0
    while common < min(len(start), len(target)) and start[common] == target[common]:
        common += 1
    parts = [".."] * (len(start) - common) + target[common:]
    return "/".join(parts) if parts else "."


def parent_paths(path: str) -> list[str]:
    """``/ru/a/page/3/`` → ``['/ru/a/page/', '/ru/a/', '/ru/', '/']``."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + ("/" if i else "") for i in range(len(parts) - 1, -1, -1)]
