"""The demo's backup recipient: a DEMO age key pair whose identity stays in the data dir.

A real site's identity must never be on the server (docs/privacy.md, "Backups"); the demo
keeps it next to the data so that `samizdat backup create FILE` and `restore` work out of the box.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.conf import settings

from .backup import DEMO_IDENTITY_FILE, RECIPIENT_FILE


def setup_demo_recipient() -> str:
    data_dir = Path(settings.DATA_DIR)
    recipient_file = data_dir / RECIPIENT_FILE
    identity_file = data_dir / DEMO_IDENTITY_FILE
    if recipient_file.exists():
        return f"Backup recipient: {recipient_file} (kept)."
    keygen = shutil.which("age-keygen")
    if keygen is None:
        return "Backup recipient: not set up (install `age` to try `samizdat backup create`)."
    subprocess.run([keygen, "-o", str(identity_file)], check=True, capture_output=True, timeout=60)
    identity_file.chmod(0o600)
    public = subprocess.run(
        [keygen, "-y", str(identity_file)], check=True, capture_output=True, text=True, timeout=60
    ).stdout.strip()
    recipient_file.write_text(
        "# DEMO backup recipient. Its identity (secret key) is in "
        f"{DEMO_IDENTITY_FILE} next to this file,\n"
        "# so these backups protect nothing. On a real site, run `age-keygen` on a machine\n"
        "# that is not the server, keep the identity there and put only the age1… line here.\n"
        f"{public}\n"
    )
    return (
        f"Backup recipient: DEMO key pair in {data_dir} (identity {identity_file.name}; "
        "a real site keeps its identity off the server)."
    )
