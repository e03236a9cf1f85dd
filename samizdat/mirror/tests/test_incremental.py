"""Incremental exports, the atomic swap, crashes, a full disk and targets we must refuse."""

import errno
import fcntl
import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from samizdat.mirror import export as export_module
from samizdat.mirror.check import check_mirror
from samizdat.mirror.tree import MANIFEST, MirrorError, MirrorTree, Staging
from samizdat.publishing.models import Statement
from samizdat.publishing.tests.factories import make_statement

from .conftest import read


@pytest.fixture(autouse=True)
def fixed_code_stamp(monkeypatch):
    """Other work on the code base must not look like a template change between two runs."""
    monkeypatch.setattr(export_module, "code_stamp", lambda: "fixed")


def manifest(root):
    return json.loads(read(root / MANIFEST))["files"]


def snapshot(root):
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def changed(before, after):
    return {rel for rel in after if before.get(rel, [None, None])[1] != after[rel][1]}


def test_a_second_export_without_changes_renders_nothing(site, export):
    first = export()
    second = export()
    assert not second.full
    assert second.rendered == 0 and second.written == 0 and second.removed == 0
    assert second.files == first.files
    # Unchanged files are hard links shared with the spare: no extra bytes on disk.
    tree = MirrorTree(export.target)
    page = "ru/analysis/voda/index.html"
    assert os.stat(tree.live / page).st_ino == os.stat(tree.spare / page).st_ino


def test_changing_one_statement_rewrites_only_its_pages_and_the_lists_showing_it(site, export):
    export()
    before = manifest(export.target)
    site.other.title = "Солидарность с бастующими шахтёрами"
    site.other.save()
    result = export()
    after = manifest(export.target)
    touched = changed(before, after)
    assert {
        "ru/news/shahtyory/index.html",
        "ru/news/index.html",
        "ru/index.html",
        "ru/search/search-index.js",
    } <= touched
    for rel in touched:  # nothing else: not other statements, languages or sections
        assert rel.startswith(("ru/news/", "ru/feeds/")) or rel in {
            "ru/index.html",
            "ru/search/search-index.js",
            "sitemap.xml",
        }, rel
    assert result.rendered < len(after) / 3
    assert "бастующими" in read(export.target / "ru/news/index.html")


def test_a_changed_translation_updates_its_other_language_versions(site, export):
    export()
    site.kk.title = "Су тарифтері"
    site.kk.save()
    export()
    assert "Су тарифтері" in read(export.target / "ru/analysis/voda/index.html")
    assert "Су тарифтері" in read(export.target / "en/analysis/water/index.html")


def test_unpublishing_removes_the_statements_files(site, export):
    export()
    assert (export.target / "ru/news/shahtyory/index.html").is_file()
    site.other.status = Statement.Status.DRAFT
    site.other.save()
    result = export()
    assert not (export.target / "ru/news/shahtyory").exists()
    assert "ru/news/shahtyory/index.html" not in manifest(export.target)
    assert "шахтёрами" not in read(export.target / "ru/news/index.html")
    assert result.removed >= 1
    assert check_mirror(export.target).ok


@pytest.fixture
def rendered(monkeypatch):
    """The URLs the next exports render through the URLconf."""
    urls = []
    real_view = export_module.Renderer.view

    def view(self, url):
        urls.append(url)
        return real_view(self, url)

    monkeypatch.setattr(export_module.Renderer, "view", view)
    return urls


def test_editing_an_older_statement_leaves_the_home_page_and_feeds_alone(
    site, export, settings, rendered, monkeypatch
):
    settings.HOME_STATEMENTS = 2
    settings.STATEMENTS_PER_PAGE = 2
    feeds = pytest.importorskip("samizdat.syndication.content")
    monkeypatch.setattr(feeds, "FEED_ITEMS", 2, raising=False)
    for n in range(3):
        make_statement(f"Новость {n}", section=site.other.section, slug=f"novost-{n}")
    oldest = make_statement(
        "Старая новость",
        section=site.other.section,
        slug="staraya",
        published_at=timezone.now() - timezone.timedelta(days=400),
    )
    export()
    rendered.clear()
    oldest.title = "Старая новость, исправленная"
    oldest.save()
    export()
    assert "/ru/news/staraya/" in rendered
    assert "/ru/news/page/1/" in rendered  # the archive page that shows it
    assert "/ru/" not in rendered and "/ru/news/" not in rendered
    for url in rendered:  # a feed is redone only if it shows the statement
        assert "/feeds/" not in url or "staraya" in read(export.target / url.lstrip("/")), url
    rendered.clear()
    newest = Statement.objects.published().filter(language="ru", section=site.other.section)
    newest = newest.order_by("-published_at").first()
    newest.title = "Главная новость"
    newest.save()
    export()
    assert {"/ru/", "/ru/news/", "/ru/news/" + newest.slug + "/"} <= set(rendered)
    assert "Главная новость" in read(export.target / "ru/index.html")


def test_publishing_a_statement_renders_no_archive_page_until_a_new_one_fills(
    site, export, settings, rendered
):
    settings.STATEMENTS_PER_PAGE = 2
    section = site.other.section
    for n in range(5):  # 6 in the section: archive pages 1 and 2, 2 on the listing
        make_statement(f"Новость {n}", section=section, slug=f"novost-{n}")
    export()
    page1 = read(export.target / "ru/news/page/1/index.html")
    rendered.clear()
    now = timezone.now() - timezone.timedelta(seconds=5)  # the factory dates each one older
    make_statement("Свежая новость", section=section, slug="svezhaya", published_at=now)
    export()
    assert "/ru/news/" in rendered and "/ru/news/svezhaya/" in rendered
    assert not [url for url in rendered if "/page/" in url], rendered
    rendered.clear()
    later = now + timezone.timedelta(seconds=1)  # 8 in the section: a third archive page
    make_statement("Ещё новость", section=section, slug="eshchyo", published_at=later)
    export()
    assert {url for url in rendered if "/page/" in url} == {"/ru/news/page/2/", "/ru/news/page/3/"}
    assert read(export.target / "ru/news/page/1/index.html") == page1
    assert check_mirror(export.target).ok


def test_related_rows_such_as_comments_change_the_statements_fingerprint(site, export, rendered):
    from samizdat.mirror.plan import related_stamps

    comment_model = pytest.importorskip("samizdat.discussion.models").Comment
    export()
    before = related_stamps().get(site.ru.pk)
    comment = comment_model.objects.create(
        statement=site.ru, language="ru", name="Читатель", text="Спасибо за разбор."
    )
    pending = related_stamps().get(site.ru.pk)
    assert pending != before
    comment.status = comment_model.Status.APPROVED
    comment.save()
    assert related_stamps().get(site.ru.pk) != pending
    rendered.clear()
    export()
    assert "Спасибо за разбор." in read(export.target / "ru/analysis/voda/index.html")
    # A comment shows on its statement's page only: no listing, feed or sitemap to redo.
    assert "/ru/analysis/voda/" in rendered
    assert not [url for url in rendered if not url.startswith("/ru/analysis/voda/")]


def test_a_template_or_code_change_re_renders_everything(site, export, monkeypatch):
    first = export()
    monkeypatch.setattr(export_module, "code_stamp", lambda: "upgraded")
    second = export()
    assert second.rendered == first.rendered


def test_a_crash_during_export_leaves_the_previous_mirror_intact(site, export, monkeypatch):
    export()
    before = snapshot(export.target)
    site.ru.title = "Вода, тарифы и суд"
    site.ru.save()
    real_put = Staging.put
    calls = []

    def crashing_put(self, rel, data, sha):
        calls.append(rel)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as if killed mid-way
        real_put(self, rel, data, sha)

    monkeypatch.setattr(Staging, "put", crashing_put)
    with pytest.raises(KeyboardInterrupt):
        export()
    assert snapshot(export.target) == before
    monkeypatch.setattr(Staging, "put", real_put)
    export()
    assert "Вода, тарифы и суд" in read(export.target / "ru/analysis/voda/index.html")
    assert check_mirror(export.target).ok


def test_a_crash_in_a_first_export_leaves_no_half_written_mirror(site, export, monkeypatch):
    def crashing_put(self, rel, data, sha):
        raise RuntimeError("killed")

    monkeypatch.setattr(Staging, "put", crashing_put)
    with pytest.raises(RuntimeError):
        export()
    assert not export.target.exists()
    assert not MirrorTree(export.target).spare.exists()


def test_a_full_disk_is_a_clear_error_and_keeps_the_previous_mirror(site, export, monkeypatch):
    export()
    before = snapshot(export.target)
    site.ru.title = "Новое название"
    site.ru.save()

    def full_disk(self, rel, data, sha):
        raise OSError(errno.ENOSPC, "No space left on device", str(self.root / rel))

    monkeypatch.setattr(Staging, "put", full_disk)
    with pytest.raises(MirrorError, match="The disk is full: No space left on device"):
        export()
    with pytest.raises(CommandError, match=r"left as it was"):
        call_command("mirror", "export", str(export.target), "--no-progress")
    assert snapshot(export.target) == before


def test_a_non_empty_directory_that_is_not_a_mirror_is_refused(site, tmp_path):
    target = tmp_path / "photos"
    target.mkdir()
    (target / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(MirrorError, match="is not empty and is not a samizdat mirror"):
        export_module.export_mirror(target)
    assert os.listdir(target) == ["holiday.jpg"]
    file_target = tmp_path / "file"
    file_target.write_text("x")
    with pytest.raises(MirrorError, match="exists and is not a directory"):
        export_module.export_mirror(file_target)
    with pytest.raises(MirrorError, match="Cannot create"):
        export_module.export_mirror(file_target / "sub" / "mirror")


def test_a_mount_point_is_refused(site, tmp_path, monkeypatch):
    target = tmp_path / "usb"
    target.mkdir()
    monkeypatch.setattr(os.path, "ismount", lambda path: str(path) == str(target))
    with pytest.raises(MirrorError, match="is a mount point.*usb/mirror"):
        export_module.export_mirror(target)


def test_an_empty_directory_is_accepted(site, tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    export_module.export_mirror(target)
    assert (target / "ru/index.html").is_file()


def test_an_unwritable_target_is_refused(site, tmp_path, monkeypatch):
    target = tmp_path / "mirror"
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(MirrorError, match="Cannot write to"):
        export_module.export_mirror(target)
    target.mkdir()
    (target / MANIFEST).write_text("{}")
    with pytest.raises(MirrorError, match="is not writable"):
        export_module.export_mirror(target)


def test_two_exports_at_once_are_refused(site, export):
    export()
    tree = MirrorTree(export.target)
    with open(tree.lock_path) as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        with pytest.raises(MirrorError, match="Another export"):
            export()


def test_without_renameat2_the_swap_uses_renames_and_recovers(site, export, monkeypatch):
    monkeypatch.setattr("samizdat.mirror.tree._exchange", lambda a, b: False)
    export()
    site.ru.title = "Ещё одно название"
    site.ru.save()
    export()
    assert "Ещё одно название" in read(export.target / "ru/analysis/voda/index.html")
    # A kill between the renames: the mirror is missing, the old one waits at swap_tmp.
    tree = MirrorTree(export.target)
    os.rename(tree.live, tree.swap_tmp)
    export()
    assert "Ещё одно название" in read(export.target / "ru/analysis/voda/index.html")
    assert not tree.swap_tmp.exists()


def test_only_signed_statements_are_planned_with_a_signature_file(site, export, settings, tmp_path):
    """An unsigned statement has no statement.txt.minisig: the plan leaves it out instead of
    rendering a 404 for it; signing the statement adds the file at the next export."""
    keys = pytest.importorskip("samizdat.authenticity.keys")
    signing = pytest.importorskip("samizdat.authenticity.signing")
    settings.SIGNING_KEY_DIR = tmp_path / "keys"
    settings.SIGNING_KEY_PASSPHRASE = ""
    first = export()
    sig = export.target / "ru/analysis/voda/statement.txt.minisig"
    assert not sig.exists()
    assert not [url for url in first.not_rendered if url.endswith("statement.txt.minisig")]
    keys.generate_site_key(None)
    signing.sign_all(keys.signing_key(), signing.signable_statements())
    second = export()
    assert read(sig).startswith("untrusted comment:")
    assert second.rendered > 0 and check_mirror(export.target).ok


def test_signatures_and_public_key_are_exported_and_a_new_key_redoes_every_page(
    site, export, settings, tmp_path, rendered
):
    keys = pytest.importorskip("samizdat.authenticity.keys")
    signing = pytest.importorskip("samizdat.authenticity.signing")
    settings.SIGNING_KEY_DIR = tmp_path / "keys"
    settings.SIGNING_KEY_PASSPHRASE = ""
    first = keys.generate_site_key(None)
    signing.sign_all(keys.signing_key(), signing.signable_statements())
    export()
    root = export.target
    assert first.id in read(root / ".well-known/samizdat.pub")
    assert read(root / "ru/analysis/voda/statement.txt.minisig").startswith("untrusted comment:")
    assert check_mirror(root).ok
    rendered.clear()
    second = keys.generate_site_key(None, force=True)  # the footer shows the key id
    signing.sign_all(keys.signing_key(), signing.signable_statements(), force=True)
    export()
    assert "/ru/news/" in rendered and "/en/pages/about/" in rendered
    assert second.id in read(root / ".well-known/samizdat.pub")
    assert second.id in read(root / "ru/pages/about/index.html")


def test_a_changed_translation_updates_the_other_languages_feeds(site, export):
    export()
    site.kk.title = "Су тарифтері"
    site.kk.save()
    export()
    for rel in ("ru/feeds/atom.xml", "en/feeds/rss.xml", "en/feeds/feed.json"):
        path = export.target / rel
        assert path.is_file(), rel
        assert "Су тарифтері" in read(path), rel


def test_keyring_and_key_transitions_are_exported_and_follow_a_rotation(
    site, export, settings, tmp_path
):
    keys = pytest.importorskip("samizdat.authenticity.keys")
    keyring = pytest.importorskip("samizdat.authenticity.keyring")
    rotation = pytest.importorskip("samizdat.authenticity.rotation")
    from django.utils import timezone

    settings.SIGNING_KEY_DIR = tmp_path / "keys"
    settings.SIGNING_KEY_PASSPHRASE = ""
    first = keys.generate_site_key(None)
    keyring.write_keyring(keyring.ensure_entry([], first, timezone.now()), keys.signing_key())
    export()
    root = export.target
    assert f"Key: {first.id}" in read(root / ".well-known/samizdat-keyring.txt")
    assert read(root / ".well-known/samizdat-keyring.txt.minisig").startswith("untrusted")
    done = rotation.rotate(keys.load_secret_key(""), None)
    export()  # nothing in the database changed: the key files alone must be picked up
    ring = read(root / ".well-known/samizdat-keyring.txt")
    assert f"Key: {done.new.id}" in ring and "Status: retired" in ring
    for suffix in ("", ".minisig", ".new.minisig"):
        assert (root / ".well-known" / (done.transition_name + suffix)).is_file(), suffix
    assert done.new.id in read(root / ".well-known/samizdat.pub")
    assert check_mirror(root).ok


def test_an_edited_signed_statement_leaves_no_stale_signature_in_the_mirror(
    site, export, settings, tmp_path
):
    keys = pytest.importorskip("samizdat.authenticity.keys")
    signing = pytest.importorskip("samizdat.authenticity.signing")
    settings.SIGNING_KEY_DIR = tmp_path / "keys"
    keys.generate_site_key(None)
    signing.sign_all(keys.load_secret_key(""), signing.signable_statements())
    export()
    sig = export.target / "ru/analysis/voda/statement.txt.minisig"
    assert sig.is_file()
    site.ru.body = "Изменено после подписи."
    site.ru.save()
    export()
    assert not sig.exists()
    assert "Изменено после подписи." in read(export.target / "ru/analysis/voda/statement.txt")


def test_publishing_re_exports_only_the_last_sitemap_part(site, export, rendered, monkeypatch):
    """Older parts of a split sitemap are planned with their own fingerprints; what the
    incremental export leaves alone is what a full export would write."""
    from samizdat.syndication import sitemaps

    monkeypatch.setattr(sitemaps.SiteSitemap, "limit", 4)
    for n in range(8):
        make_statement(f"Новость {n}", section=site.other.section, slug=f"novost-{n}")
    export()
    statements = Statement.objects.published().count()  # the first URLs of the sitemap
    assert len(list(export.target.glob("sitemap-*.xml"))) > statements // 4
    rendered.clear()
    make_statement("Свежая новость", section=site.other.section, slug="svezhaya")
    export()
    redone = [url for url in rendered if url.startswith("/sitemap-")]
    assert "/sitemap.xml" in rendered and redone
    for url in redone:  # only parts past the statements there were: none of the older ones
        assert int(url.removeprefix("/sitemap-").removesuffix(".xml")) * 4 > statements, url
    rendered.clear()
    oldest = Statement.objects.published().order_by("pk").first()
    oldest.title = oldest.title + " (исправлено)"
    oldest.save()
    export()
    redone = {url for url in rendered if url.startswith("/sitemap-")}
    assert "/sitemap-1.xml" in redone  # its entry; the listings' dates moved too (later parts)
    statements = Statement.objects.published().count()
    assert not {f"/sitemap-{n}.xml" for n in range(2, statements // 4 + 1)} & redone
    full = export_module.export_mirror(export.target.parent / "full")
    assert full.full
    for part in export.target.glob("sitemap*.xml"):
        assert part.read_bytes() == (export.target.parent / "full" / part.name).read_bytes()
