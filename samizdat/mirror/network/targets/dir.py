"""``dir``: a local directory (USB stick, web root); ``onion``: the same plus a torrc snippet."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from ..signedlist import state_dir
from ..stage import walk
from .base import Push, TargetError


def os_message(exc: OSError, where: Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk under {where} is full ({exc.filename or where})"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"no permission to write {exc.filename or where}: {exc.strerror}"
    return f"writing {exc.filename or where} failed: {exc.strerror or exc}"


class DirPush(Push):
    @property
    def root(self) -> Path:
        return Path(self.target.option("path"))

    def remote(self) -> dict[str, str]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            found = walk(self.root)
        except OSError as exc:
            raise TargetError(os_message(exc, self.root)) from None
        # the quick check rsync makes: same size and modification time
        return {r: f"{s.st_size}:{s.st_mtime_ns}" for r, s in found.items()}

    def local_token(self, rel: str) -> str:
        info = self.stage.files[rel]
        return f"{info.size}:{info.mtime_ns}"

    def send(self, rels: list[str]) -> None:
        for i, rel in enumerate(rels, 1):
            dst = self.root / rel
            tmp = dst.with_name(f".{dst.name}.samizdat-tmp")
            try:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(self.stage.root / rel, tmp)
                os.replace(tmp, dst)
            except OSError as exc:
                try:
                    tmp.unlink(missing_ok=True)
                except OSError:
                    pass
                raise TargetError(os_message(exc, self.root)) from None
            self.count(rel)
            self.report.tick(i, len(rels))

    def delete(self, rels: list[str]) -> None:
        for rel in rels:
            path = self.root / rel
            try:
                path.unlink(missing_ok=True)
                parent = path.parent
                while parent != self.root and not any(parent.iterdir()):
                    parent.rmdir()
                    parent = parent.parent
            except OSError as exc:
                raise TargetError(os_message(exc, self.root)) from None


def torrc_snippet(name: str, served: Path, port: int) -> str:
    service = state_dir() / f"onion-{name}" / "hidden_service"
    return (
        f"# samizdat mirror {name}: serve {served} on 127.0.0.1:{port} with a static web server,\n"
        "# then add these lines to /etc/tor/torrc and reload tor.\n"
        f"HiddenServiceDir {service}\n"
        f"HiddenServicePort 80 127.0.0.1:{port}\n"
    )


class OnionPush(DirPush):
    def switch(self) -> None:
        super().switch()
        out = state_dir() / f"onion-{self.target.name}"
        out.mkdir(parents=True, exist_ok=True)
        torrc = out / "torrc"
        torrc.write_text(torrc_snippet(self.target.name, self.root, self.target.option("port")))
        header = out / "onion-location.txt"
        onion = self.target.url.rstrip("/")
        header.write_text(
            "# The main site's nginx server block (docs/mirror-network.md):\n"
            f"add_header Onion-Location {onion}$request_uri always;\n"
        )
        self.report.notes.append(f"torrc snippet: {torrc}; Onion-Location header: {header}")
