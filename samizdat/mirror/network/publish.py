"""``samizdat mirror publish``: export once, push to every target in parallel, sign the list.

1. Verify the stored list (a tampered one stops everything), sign a *pending* list with the
   configured URLs and the facts already known (so the export's "Where to read us" page is
   current), and export incrementally (samizdat.mirror.export, as it is).
2. Bring the publication tree up to date, write and sign the SHA-256 manifest.
3. Phase 1, all targets in parallel: changed files except the entry points.
4. Sign the final list (the targets that passed phase 1 get this publication's time, root hash,
   CID), then phase 2 in parallel: entry points, the signed manifest and list, then deletions.

A failing target is reported and skipped; the others go on. Re-running resumes: every target
compares with what it already holds, so only what is missing or changed travels.
"""

from __future__ import annotations

import getpass
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.utils import timezone

from samizdat.authenticity import keys, minisign
from samizdat.mirror.export import export_mirror

from . import config as mirror_config
from . import signedlist
from .signedlist import LIST_REL, MANIFEST_FORMAT, MANIFEST_REL, SIG, Signed
from .stage import Stage
from .targets import for_target
from .targets.base import Report, TargetError


class PublishError(Exception):
    """Nothing was pushed: the configuration, the key, the list or the export failed."""


@dataclass
class PublishResult:
    reports: list[Report] = field(default_factory=list)
    root_hash: str = ""
    export_seconds: float = 0.0
    exported_files: int = 0

    @property
    def failed(self) -> list[Report]:
        return [r for r in self.reports if r.error]


def secret_key(passphrase: str | None = None) -> minisign.SecretKey:
    try:
        return keys.load_secret_key(passphrase)
    except minisign.PassphraseError:
        if passphrase is None and sys.stdin.isatty():
            return secret_key(getpass.getpass("Passphrase of the site's signing key: "))
        raise PublishError(
            "the signing key is encrypted: run interactively, or set SAMIZDAT_UNATTENDED_SIGNING"
            " and SAMIZDAT_KEY_PASSPHRASE"
        ) from None
    except minisign.MinisignError as exc:
        raise PublishError(f"cannot sign: {exc}") from None


def sign_list(data: dict, secret: minisign.SecretKey) -> Signed:
    body, signature = signedlist.sign(data, "mirror list", secret)
    return Signed(body, signature, data)


def _run(phase: str, pushes: dict, reports: dict[str, Report]) -> None:
    def one(name: str) -> None:
        report, started = reports[name], time.monotonic()
        try:
            getattr(pushes[name], phase)()
        except TargetError as exc:
            report.error = str(exc)
        except Exception as exc:  # a bug or an unforeseen failure of one target stops only it
            report.error = f"{type(exc).__name__}: {exc}"
        report.seconds += time.monotonic() - started
        if report.error:
            report.say(f"FAILED: {report.error}")

    names = [n for n in pushes if not reports[n].error]
    if names:
        with ThreadPoolExecutor(max_workers=len(names), thread_name_prefix="mirror") as pool:
            list(pool.map(one, names))


def publish(
    names: list[str] | None = None,
    *,
    progress: bool = False,
    quiet: bool = False,
    full: bool = False,
    secret: minisign.SecretKey | None = None,
) -> PublishResult:
    try:
        cfg = mirror_config.load()
        chosen = cfg.select(names)
        previous = signedlist.stored_list()
    except (mirror_config.ConfigError, signedlist.SignedFileError) as exc:
        raise PublishError(str(exc)) from None
    if not chosen:
        raise PublishError(f"{cfg.path} configures no (enabled) targets")
    secret = secret or secret_key()
    everyone = list(cfg.targets.values())
    old = previous.data if previous else None

    def listing(updates: dict) -> dict:
        return signedlist.build_list(everyone, old, updates, secret.id, cfg.base_url)

    try:
        pending = listing({})
        if previous is None or signedlist.canonical(pending) != previous.body:
            signedlist.store_list(sign_list(pending, secret))
        result = PublishResult()
        started = time.monotonic()
        exported = export_mirror(
            cfg.export_dir, base_url=cfg.base_url, full=full, progress=progress
        )
        result.export_seconds, result.exported_files = time.monotonic() - started, exported.files
        stage = Stage(signedlist.state_dir() / "tree")
        stage.sync_from(exported.target)
        pending_signed = signedlist.stored_list()
        stage.put(LIST_REL, pending_signed.body)
        stage.put(LIST_REL + SIG, pending_signed.signature)
        manifest = {
            "format": MANIFEST_FORMAT,
            "site": cfg.base_url,
            "key_id": secret.id,
            "files": stage.manifest_files(),
        }
        body, signature = signedlist.sign(manifest, "manifest", secret)
        stage.put(MANIFEST_REL, body)
        stage.put(MANIFEST_REL + SIG, signature)
        result.root_hash = signedlist.root_hash(body)
    except (signedlist.SignedFileError, minisign.MinisignError, OSError) as exc:
        raise PublishError(f"nothing was published: {exc}") from None
    except Exception as exc:
        from samizdat.mirror.tree import MirrorError

        if isinstance(exc, MirrorError):
            raise PublishError(f"the export failed, nothing was published: {exc}") from None
        raise

    reports = {t.name: Report(t.name, t.kind, quiet=quiet) for t in chosen}
    pushes = {}
    for target in chosen:
        try:
            pushes[target.name] = for_target(target, stage, reports[target.name])
        except Exception as exc:
            reports[target.name].error = f"cannot set up the target: {exc}"
    _run("content", pushes, reports)

    now = timezone.now().isoformat(timespec="seconds")

    def facts(names_ok) -> dict:
        out = {}
        for name in names_ok:
            out[name] = {"published_at": now, "root_hash": result.root_hash}
            if "cid" in reports[name].extra:
                out[name]["cid"] = reports[name].extra["cid"]
        return out

    passed = [n for n in pushes if not reports[n].error]
    final = sign_list(listing(facts(passed)), secret)
    signedlist.store_list(final)
    stage.put(LIST_REL, final.body)
    stage.put(LIST_REL + SIG, final.signature)
    _run("switch", pushes, reports)
    if any(reports[n].error for n in passed):
        # a target failed while switching: the stored list must not claim it is current
        corrected = sign_list(listing(facts([n for n in pushes if not reports[n].error])), secret)
        signedlist.store_list(corrected)
    result.reports = list(reports.values())
    return result


def format_table(result: PublishResult) -> str:
    rows = [("target", "kind", "files sent", "bytes sent", "deleted", "time", "result")]
    for r in result.reports:
        rows.append(
            (
                r.name,
                r.kind,
                str(r.files),
                str(r.bytes),
                str(r.deleted),
                f"{r.seconds:.2f} s",
                r.error or "ok",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row[:-1], widths, strict=False)) + "  " + row[-1]
        for row in rows
    ]
    for r in result.reports:
        lines += [f"  {r.name}: {note}" for note in r.notes]
    return "\n".join(lines)
