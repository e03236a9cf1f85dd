"""Cost of signing: saving statements without a key (baseline) vs with an unencrypted key,
`sign --all --force`, and verifying. Run: .venv/bin/python -m bench signing"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

N = 1000


def _setup(data_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.settings")
    os.environ["SAMIZDAT_DATA_DIR"] = str(data_dir)
    os.environ["SAMIZDAT_KEY_DIR"] = str(data_dir / "keys")
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    n = N
    with tempfile.TemporaryDirectory(prefix="samizdat-bench-sign-") as tmp:
        _setup(Path(tmp))
        from django.conf import settings

        from samizdat.authenticity import keys, signing
        from samizdat.authenticity.minisign import Signature
        from samizdat.authenticity.models import StatementSignature
        from samizdat.publishing.tests.factories import make_statement

        settings.SIGNING_KEY_DIR = Path(tmp) / "keys"
        body = "Абзац заявления, достаточно длинный для настоящего текста. " * 40

        def create(prefix: str) -> None:
            for i in range(n):
                make_statement(title=f"{prefix} {i}", slug=f"{prefix}-{i}", body=body)

        baseline = _timed(lambda: create("nokey"))
        keys.generate_site_key(None)
        with_key = _timed(lambda: create("key"))
        key = keys.signing_key()
        resign = _timed(
            lambda: signing.sign_all(key, signing.signable_statements().iterator(), force=True)
        )
        public = keys.site_public_key().key
        rows = list(StatementSignature.objects.all())
        verify = _timed(
            lambda: [public.verify(r.text.encode(), Signature.from_file(r.minisig)) for r in rows]
        )
        print(f"{n} statements, {len(body)} chars of body each, SQLite")
        print(f"{'step':<40}{'seconds':>10}{'per item ms':>14}{'ratio':>8}")
        for name, seconds in [
            ("save, no key (baseline)", baseline),
            ("save + sign on post_save", with_key),
            ("sign --all --force (all 2n)", resign),
            ("verify all signatures (2n)", verify),
        ]:
            count = n if "2n" not in name else 2 * n
            print(
                f"{name:<40}{seconds:>10.2f}{seconds / count * 1000:>14.2f}"
                f"{seconds / baseline:>8.2f}"
            )


if __name__ == "__main__":
    main()
