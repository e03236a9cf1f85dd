"""Run by test_parallel.py in a fresh process: a committed SQLite site in a temporary directory
(worker processes must see its data), exported three ways, compared byte for byte.

1. in one process through Django's test client — the renderer of earlier versions — with
   every page querying for itself (no publishing.preload batch);
2. in one process through the handler (render.Renderer), statements loaded in batches;
3. in two forked worker processes.

Prints one JSON line: the file counts and the differences found.
"""

from __future__ import annotations

import json
import re
import sys
from contextlib import nullcontext
from pathlib import Path


def client_view(self, url: str):
    """The earlier renderer: Django's test client."""
    from django.test import Client

    from samizdat.mirror.tree import MirrorError

    client = getattr(self, "_client", None) or Client(raise_request_exception=True)
    self._client = client
    try:
        response = client.get(url, secure=self.secure, **self.extra)
    except Exception as exc:
        raise MirrorError(f"Rendering {url} failed: {exc!r}") from exc
    if response.status_code != 200:
        return None
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body, response.get("Content-Type", "")


# A feed with no entries is dated by the clock (Django's syndication framework): the one
# byte range that may differ between two exports of the same data.
EMPTY_FEED_DATE = re.compile(
    rb"<lastBuildDate>[^<]*</lastBuildDate></channel>|<updated>[^<]*</updated>(?!.*<entry)", re.S
)


def tree(directory: Path) -> dict[str, bytes]:
    from samizdat.mirror.tree import MANIFEST

    return {
        str(p.relative_to(directory)): EMPTY_FEED_DATE.sub(b"(date)", p.read_bytes())
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def entries(manifest: dict) -> list:
    """The manifest's entries in order, without the file hashes (the bytes are compared)."""
    return [(rel, entry[0], entry[2:]) for rel, entry in manifest["files"].items()]


def compare(base: Path, results: dict, report: dict, names=("handler", "parallel")) -> None:
    """Each of ``names`` against the "client" export: files, manifest, fallbacks."""
    from samizdat.mirror.tree import read_manifest

    trees = {name: tree(base / name) for name in results}
    manifests = {name: read_manifest(base / name) for name in results}
    for name, result in results.items():
        report[name] = {"files": len(trees[name]), "rendered": result.rendered}
    for name in names:
        a, b = trees["client"], trees[name]
        diff = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        if entries(manifests["client"]) != entries(manifests[name]):
            diff.append("(manifest entries)")
        if manifests["client"]["skipped"] != manifests[name]["skipped"]:
            diff.append("(manifest skipped)")
        if results["client"].fallbacks != results[name].fallbacks:
            diff.append("(fallbacks)")
        report["differences"][name] = diff[:20]


def main(base: Path, n: int) -> None:
    from bench import mirror as bench

    (base / "data").mkdir(parents=True, exist_ok=True)
    bench.setup(base / "data")
    bench.seed(n)
    from samizdat.publishing import lifecycle
    from samizdat.publishing.models import Statement

    # Public versions (and a correction) on a few pages: the history part of the page.
    for statement in Statement.objects.order_by("pk")[: max(3, n // 10)]:
        lifecycle.revise(statement, title=statement.title + " (1)")
        statement.refresh_from_db()
        lifecycle.revise(statement, body=statement.body + "\n\nИсправлено.")
    # Discussions: approved comments and replies, a held one that must not show.
    from samizdat.discussion.models import Comment

    for statement in Statement.objects.order_by("-pk")[: max(3, n // 10)]:

        def comment(name: str, text: str, status: str, parent=None) -> Comment:
            return Comment.objects.create(
                statement=statement,  # noqa: B023 - called within this iteration
                language=statement.language,  # noqa: B023
                name=name,
                text=text,
                status=status,
                parent=parent,
                depth=1 if parent else 0,
            )

        first = comment("Читатель", "Первый.", Comment.Status.APPROVED)
        comment("Ответ", "Согласен.", Comment.Status.APPROVED, parent=first)
        comment("Спам", "Купите.", Comment.Status.PENDING)
    from samizdat.mirror import export as export_module
    from samizdat.mirror import render

    stamp = export_module.code_stamp()
    export_module.code_stamp = lambda: stamp
    real_view = render.Renderer.view
    real_batch = export_module.preload.batch

    def reference(name: str):  # the test client, every page querying for itself
        render.Renderer.view = client_view
        export_module.preload.batch = lambda pks: nullcontext()
        try:
            return export_module.export_mirror(base / name, workers=1)
        finally:
            render.Renderer.view = real_view
            export_module.preload.batch = real_batch

    results = {"client": reference("client")}
    results["handler"] = export_module.export_mirror(base / "handler", workers=1)
    results["parallel"] = export_module.export_mirror(base / "parallel", workers=2)
    report = {"cannot_fork": render.can_fork(), "differences": {}}
    compare(base, results, report)
    # An incremental export after a publication: a few dozen pages, in small runs.
    from samizdat.publishing.tests.factories import make_statement

    make_statement("Новое заявление", slug="new-one", section=Statement.objects.first().section)
    again = {
        "client": reference("client"),
        "parallel": export_module.export_mirror(base / "parallel", workers=2),
    }
    report["incremental"] = {"differences": {}}
    compare(base, again, report["incremental"], names=("parallel",))
    print(json.dumps(report))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
