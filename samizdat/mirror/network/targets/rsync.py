"""``rsync``: Debian's rsync to ``host:path`` over ssh or to an ``rsync://`` daemon.

rsync's own quick check (size and modification time; the publication tree keeps the export's
times) decides what travels. Pass 1 sends everything but the entry points and deletes nothing;
pass 2 sends the entry points with ``--delay-updates`` (all renamed into place at the end) and
deletes old files after that (``--delete-after``).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess

from ..signedlist import LIST_REL, MANIFEST_REL
from .base import Push, TargetError

ENTRY_EXCLUDES = ["/index.html", "/*/index.html", f"/{MANIFEST_REL}*", f"/{LIST_REL}*"]
TIMEOUT = 120


class RsyncPush(Push):
    def command(self, extra: list[str]) -> list[str]:
        binary = shutil.which("rsync")
        if binary is None:
            raise TargetError("rsync is not installed (apt-get install rsync)")
        destination = self.target.option("destination")
        cmd = [binary, "-rt", "--stats", f"--timeout={TIMEOUT}", "--chmod=D755,F644"]
        if destination.startswith("rsync://") or "::" in destination:
            cmd.append("--contimeout=15")
        else:
            ssh = self.target.option("ssh") or "ssh"
            cmd += ["-e", f"{ssh} -o ConnectTimeout=15 -o BatchMode=yes"]
        return [*cmd, *extra, f"{self.stage.root}/", destination]

    def run(self, extra: list[str]) -> None:
        env = dict(os.environ)
        if self.target.option("password_env"):
            env["RSYNC_PASSWORD"] = os.environ.get(self.target.option("password_env"), "")
        cmd = self.command(extra)
        self.report.say("rsync " + " ".join(shlex.quote(a) for a in extra))
        try:
            done = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                env=env,
                timeout=TIMEOUT * 5,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise TargetError(f"rsync to {self.target.option('destination')} timed out") from None
        if done.returncode != 0:
            lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
            why = "; ".join(lines[-3:]) or f"exit status {done.returncode}"
            raise TargetError(f"rsync failed (exit {done.returncode}): {why}")
        files = re.search(r"Number of regular files transferred: ([\d,.]+)", done.stdout)
        sent = re.search(r"Total bytes sent: ([\d,.]+)", done.stdout)
        self.report.files += int(re.sub(r"\D", "", files.group(1))) if files else 0
        self.report.bytes += int(re.sub(r"\D", "", sent.group(1))) if sent else 0
        deleted = re.search(r"Number of deleted files: ([\d,.]+)", done.stdout)
        if deleted:
            self.report.deleted += int(re.sub(r"\D", "", deleted.group(1)))

    def content(self) -> None:
        self.run([f"--exclude={pattern}" for pattern in ENTRY_EXCLUDES])

    def switch(self) -> None:
        self.run(["--delay-updates", "--delete-after"])
