"""The publication tree: the export plus the signed files, as one directory every target reads.

``DATA_DIR/mirror-network/tree`` holds hard links to the exported files (copies where hard
links are impossible) and the files publish.py adds (the signed manifest and mirror list). It
is brought up to date incrementally: a file whose inode, size and time are unchanged keeps its
SHA-256 from ``hashes.json``, so re-hashing costs in proportion to what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from samizdat.mirror.tree import MANIFEST as EXPORT_MANIFEST

from .signedlist import LIST_REL, MANIFEST_REL, SIG, SIGNED_FILES

ENTRY_RE = re.compile(r"^(?:[^/]+/)?index\.html$")  # the root chooser and each language's home


def is_entry(rel: str) -> bool:
    """Entry points go last (and deletions after them): a reader never lands on a half-new tree."""
    return rel in SIGNED_FILES or bool(ENTRY_RE.match(rel))


def entry_order(rel: str) -> tuple:
    """Pages, then the manifest, then the mirror list and its signature."""
    order = {MANIFEST_REL + SIG: 1, MANIFEST_REL: 2, LIST_REL + SIG: 3, LIST_REL: 4}
    return (order.get(rel, 0), rel)


@dataclass
class FileInfo:
    sha256: str
    md5: str
    size: int
    mtime_ns: int


def _hash(path: Path) -> tuple[str, str]:
    sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            sha.update(block)
            md5.update(block)
    return sha.hexdigest(), md5.hexdigest()


def walk(root: Path) -> dict[str, os.stat_result]:
    found = {}
    stack = [("", root)]
    while stack:
        prefix, directory = stack.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append((rel + "/", Path(entry.path)))
                elif entry.is_file(follow_symlinks=False):
                    found[rel] = entry.stat(follow_symlinks=False)
    return found


def _place(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.samizdat-tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copy2(src, tmp)
    os.replace(tmp, dst)


class Stage:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.cache_path = self.root.with_name("hashes.json")
        self.files: dict[str, FileInfo] = {}

    def _cache(self) -> dict:
        try:
            return json.loads(self.cache_path.read_text())
        except (OSError, ValueError):
            return {}

    def sync_from(self, export: Path) -> None:
        """Make the tree hold exactly the export's public files (the signed files are kept)."""
        self.root.mkdir(parents=True, exist_ok=True)
        source = {
            r: s for r, s in walk(export).items() if r != EXPORT_MANIFEST and r not in SIGNED_FILES
        }
        mine = walk(self.root)
        for rel, st in source.items():
            have = mine.get(rel)
            if have is None or (have.st_ino, have.st_size, have.st_mtime_ns) != (
                st.st_ino,
                st.st_size,
                st.st_mtime_ns,
            ):
                _place(export / rel, self.root / rel)
        for rel in set(mine) - set(source) - set(SIGNED_FILES):
            (self.root / rel).unlink()
        self.rehash()

    def rehash(self) -> None:
        cache = self._cache()
        files = {}
        for rel, st in walk(self.root).items():
            key = [st.st_ino, st.st_size, st.st_mtime_ns]
            old = cache.get(rel)
            if old and old[:3] == key:
                sha, md5 = old[3], old[4]
            else:
                sha, md5 = _hash(self.root / rel)
            files[rel] = FileInfo(sha, md5, st.st_size, st.st_mtime_ns)
            cache[rel] = [*key, sha, md5]
        self.files = files
        cache = {r: v for r, v in cache.items() if r in files}
        tmp = self.cache_path.with_name(self.cache_path.name + ".tmp")
        tmp.write_text(json.dumps(cache))
        tmp.replace(self.cache_path)

    def put(self, rel: str, data: bytes) -> None:
        """Write one added file, unless it already holds these bytes (its time is kept)."""
        path = self.root / rel
        try:
            if path.read_bytes() == data:
                return
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.samizdat-tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        st = path.stat()
        sha, md5 = (
            hashlib.sha256(data).hexdigest(),
            hashlib.md5(data, usedforsecurity=False).hexdigest(),
        )
        self.files[rel] = FileInfo(sha, md5, st.st_size, st.st_mtime_ns)

    def manifest_files(self) -> dict[str, list]:
        return {
            r: [f.sha256, f.size] for r, f in sorted(self.files.items()) if r not in SIGNED_FILES
        }
