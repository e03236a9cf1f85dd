"""``export_mirror``: render the public site into a static tree, atomically and incrementally.

1. Validate the target and take the lock (tree.py).
2. Render the mirror's own pages (offline search page per language, the root language chooser):
   they carry the site-wide header and footer, so their bytes, with a stamp of the code and the
   settings, make the *global fingerprint* — a changed section name, page title, signing key id
   or template re-renders everything.
3. Plan every URL with its data fingerprint (plan.py); a URL whose fingerprint and file are
   unchanged since the previous export is carried over, the others are rendered through the
   real handler with the ``samizdat.export`` environ key — in worker processes when there are
   many (render.py) — and HTML is relinked (rewrite.py).
4. Copy the static and media files the pages reference, remove what is no longer produced,
   write the manifest, swap the staged tree in.
"""

from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext, override

from samizdat import languages
from samizdat.publishing import preload

from .links import LinkMap
from .paths import fs_name, is_safe_rel, relative_link, url_file
from .plan import Spec, discover_routes, plan, take_snapshot
from .plan import digest as fingerprint
from .render import EXPORT_KEY, GC_EVERY, Renderer, default_workers, export_settings, render_all

__all__ = ["EXPORT_KEY", "ExportResult", "Renderer", "export_mirror", "export_settings"]
from .rewrite import Rewriter
from .searchindex import build_index, index_script
from .tree import FORMAT, MirrorError, MirrorTree, Staging

PACKAGE_DIR = Path(__file__).resolve().parent.parent
CODE_SUFFIXES = {".py", ".html", ".po", ".css", ".js", ".txt", ".xml", ".json"}


@dataclass
class ExportResult:
    target: Path
    files: int = 0
    rendered: int = 0
    written: int = 0
    linked: int = 0
    removed: int = 0
    seconds: float = 0.0
    full: bool = False
    not_rendered: list[str] = field(default_factory=list)  # URLs that answered other than 200
    missing_assets: list[str] = field(default_factory=list)
    fallbacks: dict[str, str] = field(default_factory=dict)
    unsupported_routes: list[str] = field(default_factory=list)


def sha(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def provided_urls() -> list[tuple[str, str]]:
    """(URL, fingerprint) pairs from settings.MIRROR_URL_PROVIDERS: files that live outside
    the database (the signing keyring, key transitions) and URLs the URLconf cannot enumerate.
    Their fingerprints also enter every page's, since pages show e.g. the current key id."""
    found = []
    for dotted in getattr(settings, "MIRROR_URL_PROVIDERS", ()):
        found.extend(import_string(dotted)())
    return found


def code_stamp() -> str:
    """Sizes and times of the package's templates, code, translations and static files."""
    entries = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in CODE_SUFFIXES and not {"__pycache__", "tests"} & set(path.parts):
            stat = path.stat()
            entries.append((str(path.relative_to(PACKAGE_DIR)), stat.st_size, stat.st_mtime_ns))
    return fingerprint(django.get_version(), entries)


def settings_stamp(site_url: str) -> tuple:
    names = [
        "ONION_URL",
        "SITE_NAME",
        "LANGUAGES",
        "LANGUAGE_CODE",
        "STATEMENTS_PER_PAGE",
        "HOME_STATEMENTS",
        "STATIC_URL",
        "MEDIA_URL",
        "TIME_ZONE",
    ]
    return (site_url, *(repr(getattr(settings, n, None)) for n in names))


@contextmanager
def manual_gc() -> Iterator[None]:
    """No automatic garbage collection while the export holds two manifests of tens of thousands
    of entries (each collection would walk them all); Export.run collects every few thousand
    rendered pages instead."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def inject_search_link(html: str, href: str, label: str) -> str:
    """Add a link to the offline search page to the section navigation of a page without one."""
    start = html.find('class="sections')
    end = html.find("</nav>", start) if start >= 0 else -1
    if end < 0:
        return html
    return f'{html[:end]}<a class="mirror-search-link" href="{href}">{label}</a>{html[end:]}'


class Export:
    def __init__(
        self,
        tree: MirrorTree,
        site_url: str,
        previous: dict | None,
        progress: bool,
        workers: int = 1,
    ):
        self.tree = tree
        self.workers = workers
        self.fallbacks: dict[str, str] = {}
        self.site_url = site_url
        self.previous = previous or {}
        self.progress = progress
        self.languages = languages.codes()
        self.renderer = Renderer(site_url)
        self.result = ExportResult(target=tree.live, full=previous is None)

    # -- planning ------------------------------------------------------------------------

    def own_pages(self) -> dict[str, bytes]:
        pages = {}
        for lang in self.languages:
            url = f"/{lang}/search/"
            context = {"search_path": url, "index_url": url + "search-index.js"}
            pages[url] = self.renderer.template("mirror/search.html", url, lang, context)
        pages["/"] = self.renderer.template("mirror/root.html", "/", settings.LANGUAGE_CODE, {})
        return pages

    def specs(self, own: dict[str, bytes]) -> dict[str, Spec]:
        extra = provided_urls()
        self.global_fp = fingerprint(
            FORMAT,
            code_stamp(),
            settings_stamp(self.site_url),
            sorted((url, sha(body)) for url, body in own.items()),
            sorted(extra),
        )
        snapshot = take_snapshot()
        self.plan = plan(snapshot, discover_routes(), self.languages)
        self.result.unsupported_routes = sorted({r.name for r in self.plan.unsupported})
        specs = self.plan.specs
        for lang in self.languages:
            url = f"/{lang}/search/search-index.js"
            specs[url] = Spec(url, self.plan.language_fps[lang], "index", lang)
        for url in own:
            specs[url] = Spec(url, "", "own", None)
        for url, fp in extra:
            if is_safe_rel(url_file(url)):
                specs[url] = Spec(url, fp, "view", None)
        if apps.is_installed("samizdat.importers"):  # old WordPress addresses (docs/import.md)
            from samizdat.importers.mirror import redirect_pages

            for url, body in redirect_pages(set(specs)).items():
                own[url] = body
                specs[url] = Spec(url, sha(body), "own", None)
        return specs

    # -- rendering -----------------------------------------------------------------------

    def render(self, spec: Spec, own: dict[str, bytes]) -> tuple[bytes, bool] | None:
        """The bytes of one URL and whether they are HTML; None when it does not render."""
        if spec.kind == "own":
            return own[spec.url], True
        if spec.kind == "index":
            page = url_file(f"/{spec.language}/search/")
            return index_script(build_index(spec.language, page)), False
        out = self.renderer.view(spec.url)
        if out is None:
            return None
        body, content_type = out
        return body, content_type.startswith("text/html")

    def relink(self, rel: str, html: bytes, language: str | None) -> tuple[bytes, list[str]]:
        rewriter = Rewriter(rel, self.links.resolve, self.links.search_page)
        text = rewriter.html(html.decode("utf-8", "surrogateescape"))
        if not rewriter.search_forms and language:
            search = url_file(f"/{language}/search/")
            with override(language):
                text = inject_search_link(text, relative_link(rel, search), gettext("Search"))
        assets = sorted(r for r in rewriter.refs if self.links.is_asset("/" + r))
        return text.encode("utf-8", "surrogateescape"), assets

    def asset_source(self, rel: str) -> Path | None:
        if not is_safe_rel(rel):
            return None
        path = "/" + rel
        for prefix, root in self.asset_roots:
            if prefix and path.startswith(prefix):
                name = fs_name(path[len(prefix) :])
                if root is None:
                    found = finders.find(name)
                    return Path(found) if found else None
                candidate = (root / name).resolve()
                if candidate.is_file() and candidate.is_relative_to(root.resolve()):
                    return candidate
        return None

    def copy_assets(self, files: dict, staging: Staging) -> None:
        self.asset_roots = [
            (self.links.static_prefix, None),
            (self.links.media_prefix, Path(settings.MEDIA_ROOT)),
        ]
        previous = self.previous.get("files", {})
        pending = sorted({a for entry in files.values() if len(entry) > 2 for a in entry[2]})
        seen: set[str] = set()
        while pending:
            rel = pending.pop()
            if rel in seen or rel in files:
                continue
            seen.add(rel)
            source = self.asset_source(rel)
            if source is None:
                self.result.missing_assets.append(rel)
                continue
            stat = source.stat()
            fp = fingerprint("asset", str(source), stat.st_size, stat.st_mtime_ns)
            old = previous.get(rel)
            if old and old[0] == fp:
                try:
                    staging.carry(rel, old[1])
                    files[rel] = old
                    pending.extend(old[2] if len(old) > 2 else [])
                    continue
                except FileNotFoundError:
                    pass
            data, refs = source.read_bytes(), []
            if rel.endswith(".css"):
                rewriter = Rewriter(rel, self.links.resolve, self.links.search_page)
                data = rewriter.css(data.decode("utf-8")).encode("utf-8")
                refs = sorted(r for r in rewriter.refs if self.links.is_asset("/" + r))
            digest_ = sha(data)
            staging.put(rel, data, digest_)
            files[rel] = [fp, digest_, refs] if refs else [fp, digest_]
            pending.extend(refs)

    def produce(self, spec: Spec, rel: str, own: dict[str, bytes], staging: Staging) -> tuple:
        """Render one URL into the staging tree: (None, url, fp) when it does not render, else
        (rel, manifest entry, hash, whether the file was written)."""
        out = self.render(spec, own)
        self.rendered_here = getattr(self, "rendered_here", 0) + 1
        if self.rendered_here % GC_EVERY == 0:
            gc.collect()
        if out is None:
            return None, spec.url, spec.fp, False
        data, is_html = out
        linked = []
        if spec.scope:  # what this home page, feed or first listing page shows
            linked = self.plan.linked_statements(data.decode("utf-8", "replace"))
        assets: list[str] = []
        if is_html:
            data, assets = self.relink(rel, data, spec.language)
        digest_ = sha(data)
        written = staging.written
        staging.put(rel, data, digest_)
        entry = [self.plan.scope_fp(spec, linked), digest_, assets, linked]
        return rel, entry[: 4 if linked else 3 if assets else 2], digest_, staging.written > written

    def render_todo(self, todo: list, own: dict, staging: Staging, files: dict, skipped: dict):
        """Render the URLs to do, in worker processes when there are many (render.py)."""
        from tqdm import tqdm

        bar = tqdm(
            total=len(todo), desc="Rendering", unit="page", disable=not self.progress, smoothing=0.1
        )

        def produce(i: int) -> tuple:
            return self.produce(*todo[i], own, staging)

        def collect() -> dict:  # the link fallbacks this page added (merged in the parent)
            found = dict(self.links.fallbacks)
            self.links.fallbacks.clear()
            return found

        def batch(indices: list[int]):  # their statements in a few queries (publishing/preload)
            paths = self.plan.statement_paths
            pks = []
            for i in indices:
                url = todo[i][0].url
                pk = paths.get(url) or paths.get(url[: url.rfind("/") + 1])
                if pk is not None:
                    pks.append(pk)
            return preload.batch(pks)

        with bar:
            for _i, (rel, entry, digest_, written), fallbacks in render_all(
                len(todo),
                produce,
                collect,
                self.workers,
                bar.update,
                batch,
                first=[i for i, (spec, _rel) in enumerate(todo) if spec.kind == "index"],
            ):
                self.result.rendered += 1
                self.fallbacks.update(fallbacks)
                if rel is None:
                    skipped[entry] = digest_
                    continue
                files[rel] = entry
                if staging.base.get(rel) != digest_:
                    staging.base[rel] = digest_  # written by a worker process
                    staging.written += written

    def run(self) -> ExportResult:
        own = self.own_pages()
        specs = self.specs(own)
        self.links = LinkMap(set(specs), self.site_url, self.languages)
        # Same code, settings and site-wide header/footer as last time: compare per URL.
        same_global = self.previous.get("global") == self.global_fp
        previous_files = self.previous.get("files", {}) if same_global else {}
        previous_skipped = self.previous.get("skipped", {}) if same_global else {}
        staging = self.tree.open_staging(self.previous or None, self.progress)
        try:
            files: dict[str, list] = {}
            skipped: dict[str, str] = {}
            todo = []
            for url in sorted(specs):
                spec, rel = specs[url], specs[url].rel
                old = previous_files.get(rel)
                if old and old[0] == self.plan.scope_fp(spec, old[3] if len(old) > 3 else ()):
                    try:
                        staging.carry(rel, old[1])
                        files[rel] = old
                        continue
                    except FileNotFoundError:
                        pass
                elif previous_skipped.get(url) == spec.fp:
                    skipped[url] = spec.fp
                    continue
                todo.append((spec, rel))
            self.render_todo(todo, own, staging, files, skipped)
            self.copy_assets(files, staging)
            staging.prune(set(files))
            staging.commit(
                {
                    "format": FORMAT,
                    "generator": "samizdat",
                    "exported_at": timezone.now().isoformat(),
                    "site_url": self.site_url,
                    "global": self.global_fp,
                    "files": files,
                    "skipped": skipped,
                }
            )
        except BaseException:
            try:  # the live mirror was never touched; drop the half-updated spare
                self.tree.discard_spare()
            except OSError:
                pass
            raise
        self.tree.swap_in()
        if not self.previous:  # else the spare now holds the previous, complete mirror
            self.tree.prepare_spare(self.progress)
        result = self.result
        result.files = len(files)
        result.written, result.linked, result.removed = (
            staging.written,
            staging.linked,
            staging.removed,
        )
        result.not_rendered = sorted(skipped)
        result.fallbacks = {**self.fallbacks, **self.links.fallbacks}
        return result


def _os_error_message(exc: OSError, tree: MirrorTree) -> str:
    import errno

    what = "The disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "Writing failed"
    where = f" ({exc.filename})" if exc.filename else ""
    return (
        f"{what}: {exc.strerror or exc}{where}. The export was abandoned; "
        f"{tree.live} was left as it was."
    )


def export_mirror(
    target: Path | str,
    *,
    base_url: str | None = None,
    full: bool = False,
    progress: bool = False,
    workers: int | None = None,
) -> ExportResult:
    """Export the public site into ``target``; see docs/mirror.md.

    ``workers``: processes that render pages (default: one per CPU; 1 renders in this process).
    """
    started = time.monotonic()
    site_url = (base_url or settings.SITE_URL).rstrip("/")
    tree = MirrorTree(target)
    tree.validate()
    with tree.locked(), manual_gc():
        try:
            tree.recover()
            previous = None if full else tree.live_manifest()
            with export_settings(site_url):
                count = default_workers() if workers is None else max(1, workers)
                result = Export(tree, site_url, previous, progress, count).run()
        except OSError as exc:
            raise MirrorError(_os_error_message(exc, tree)) from exc
    result.seconds = time.monotonic() - started
    return result
