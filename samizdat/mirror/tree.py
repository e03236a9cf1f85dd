"""The mirror directory, its spare copy and the atomic swap between them.

Next to the mirror ``DIR`` live two hidden siblings:

- ``.DIR.samizdat-spare``: the staging tree. An export changes only this tree, then swaps it
  with ``DIR`` in one ``renameat2(RENAME_EXCHANGE)`` call (two renames where that call is
  missing). After the swap the spare holds the previous generation; the next export brings it
  up to date by applying only the differences, so an incremental export costs in proportion to
  what changed, not to the size of the site. Unchanged files are hard links shared by both
  trees (a copy where the file system has no hard links); files are always replaced by rename,
  never written in place, so the live tree is never touched.
- ``.DIR.samizdat-lock``: taken with ``flock`` so two exports cannot run at once.

The spare is valid only while its manifest exists; an export deletes it before the first
change and writes it last, so a spare left by a crash is rebuilt, and ``DIR`` is never touched.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .paths import fs_name

MANIFEST = ".samizdat-mirror.json"
FORMAT = 1


class MirrorError(Exception):
    """A problem the operator can act on; the message says what and where."""


def read_manifest(directory: Path) -> dict | None:
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if not isinstance(data.get("files"), dict):
        return None
    return data


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False when not supported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    c_int, c_path = ctypes.c_int, ctypes.c_char_p
    renameat2.argtypes = [c_int, c_path, c_int, c_path, ctypes.c_uint]
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _link_or_copy(src: Path, dst: Path) -> None:
    """Put ``src``'s bytes at ``dst`` through a temporary name and rename (never in place)."""
    tmp = dst.with_name(f".{dst.name}.samizdat-tmp")
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    try:
        os.link(src, tmp)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise
        shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


class Staging:
    """The spare tree being brought up to date; ``base`` maps its files to their hashes."""

    def __init__(self, root: Path, base: dict[str, str], live: Path | None):
        self.root = root
        self.base = base
        self.live = live
        self.dirs: set[Path] = set()
        self.written = self.linked = self.removed = 0

    def _target(self, rel: str) -> Path:
        path = self.root / fs_name(rel)
        if path.parent not in self.dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.dirs.add(path.parent)
        return path

    def put(self, rel: str, data: bytes, sha: str) -> None:
        """Make ``rel`` hold ``data`` (whose hash is ``sha``) unless it already does."""
        if self.base.get(rel) == sha:
            return
        path = self._target(rel)
        tmp = path.with_name(f".{path.name}.samizdat-tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        self.base[rel] = sha
        self.written += 1

    def carry(self, rel: str, sha: str) -> None:
        """Take ``rel`` unchanged from the live mirror (FileNotFoundError if it is gone)."""
        if self.base.get(rel) == sha:
            return
        if self.live is None:
            raise FileNotFoundError(rel)
        _link_or_copy(self.live / fs_name(rel), self._target(rel))
        self.base[rel] = sha
        self.linked += 1

    def prune(self, keep: set[str]) -> None:
        """Remove files that are no longer part of the mirror, and directories left empty."""
        parents = set()
        for rel in [r for r in self.base if r not in keep]:
            path = self.root / fs_name(rel)
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            del self.base[rel]
            parents.add(path.parent)
            self.removed += 1
        for directory in sorted(parents, key=lambda p: len(p.parts), reverse=True):
            while directory != self.root:
                try:
                    directory.rmdir()
                except OSError:
                    break
                directory = directory.parent

    def commit(self, manifest: dict) -> None:
        path = self.root / MANIFEST
        tmp = path.with_name(MANIFEST + ".samizdat-tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, separators=(",", ":")))
        os.replace(tmp, path)


class MirrorTree:
    def __init__(self, target: Path | str):
        target = Path(target).expanduser()
        self.live = target.resolve() if target.exists() else target.absolute()
        parent, name = self.live.parent, self.live.name
        self.spare = parent / f".{name}.samizdat-spare"
        self.swap_tmp = parent / f".{name}.samizdat-swap"
        self.lock_path = parent / f".{name}.samizdat-lock"

    def validate(self) -> None:
        """Refuse targets we must not or cannot write to, with a message that says why."""
        live = self.live
        if live == live.parent:
            raise MirrorError(f"Refusing to export into the file system root {live}.")
        if live.exists() or live.is_symlink():
            if not live.is_dir():
                raise MirrorError(f"{live} exists and is not a directory.")
            entries = os.listdir(live)
            if entries and MANIFEST not in entries:
                raise MirrorError(
                    f"{live} is not empty and is not a samizdat mirror (it has no {MANIFEST}). "
                    "Refusing to replace it: choose a new or empty directory."
                )
            if not os.access(live, os.W_OK | os.X_OK):
                raise MirrorError(f"{live} is not writable.")
            if os.path.ismount(live):
                raise MirrorError(
                    f"{live} is a mount point, which cannot be swapped atomically: "
                    f"export into a directory inside it, e.g. {live / 'mirror'}."
                )
        try:
            live.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MirrorError(f"Cannot create {live.parent}: {exc.strerror}.") from exc
        if not os.access(live.parent, os.W_OK | os.X_OK):
            raise MirrorError(
                f"Cannot write to {live.parent}: the export builds the new mirror next to "
                f"{live.name} there and swaps it in."
            )

    @contextmanager
    def locked(self) -> Iterator[None]:
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise MirrorError(f"Cannot create {self.lock_path}: {exc.strerror}.") from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise MirrorError(f"Another export to {self.live} is running.") from None
            yield
        finally:
            os.close(fd)

    def recover(self) -> None:
        """Finish a swap interrupted between its two renames (only without renameat2)."""
        if not self.swap_tmp.exists():
            return
        if not self.live.exists():
            os.rename(self.swap_tmp, self.live)  # the new tree never arrived: restore the old
        elif not self.spare.exists():
            os.rename(self.swap_tmp, self.spare)
        else:
            shutil.rmtree(self.swap_tmp)

    def live_manifest(self) -> dict | None:
        return read_manifest(self.live) if self.live.is_dir() else None

    def open_staging(self, previous: dict | None, progress: bool = False) -> Staging:
        """The spare, ready to receive changes; fresh and empty when there is no previous."""
        if previous is None:
            self.discard_spare()
            self.spare.mkdir()
            return Staging(self.spare, {}, None)
        spare = read_manifest(self.spare)
        if spare is None:
            self.discard_spare()
            base = self.link_copy(previous, progress)
        else:
            base = {rel: entry[1] for rel, entry in spare["files"].items()}
        (self.spare / MANIFEST).unlink(missing_ok=True)  # invalid until committed
        return Staging(self.spare, base, self.live)

    def link_copy(self, manifest: dict, progress: bool = False) -> dict[str, str]:
        """Fill an empty spare with hard links to the live files the manifest lists."""
        from tqdm import tqdm

        self.spare.mkdir()
        staging = Staging(self.spare, {}, self.live)
        files = manifest["files"]
        for rel in tqdm(files, desc="Spare copy", unit="file", disable=not progress):
            try:
                staging.carry(rel, files[rel][1])
            except FileNotFoundError:
                pass
        return staging.base

    def discard_spare(self) -> None:
        if self.spare.is_symlink() or self.spare.is_file():
            self.spare.unlink()
        elif self.spare.exists():
            shutil.rmtree(self.spare)

    def swap_in(self) -> None:
        """Make the staged spare the mirror; the previous mirror becomes the spare."""
        if not self.live.exists():
            os.rename(self.spare, self.live)
            return
        if _exchange(self.spare, self.live):
            return
        os.rename(self.live, self.swap_tmp)
        os.rename(self.spare, self.live)
        os.rename(self.swap_tmp, self.spare)

    def prepare_spare(self, progress: bool = False) -> None:
        """After a swap: make sure the next export finds a valid spare to start from."""
        if read_manifest(self.spare) is not None:
            return
        self.discard_spare()
        manifest = self.live_manifest()
        if manifest is None:
            return
        self.link_copy(manifest, progress)
        manifest_path = self.live / MANIFEST
        _link_or_copy(manifest_path, self.spare / MANIFEST)
