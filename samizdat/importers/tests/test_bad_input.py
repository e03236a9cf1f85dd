"""Broken files name the line and column and write nothing; hostile XML loads nothing."""

from __future__ import annotations

import pytest
from django.core.management import CommandError

from samizdat.importers import wxr
from samizdat.importers.models import ImportRun, Redirect
from samizdat.publishing.models import Section, Statement, Tag

from .conftest import FIXTURES, fixture_text

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return not any(m.objects.exists() for m in (Statement, Section, Tag, Redirect, ImportRun))


def test_truncated_file_names_line_and_column_and_writes_nothing(run_import):
    with pytest.raises(CommandError) as caught:
        run_import("broken.xml")
    message = str(caught.value)
    last_line = fixture_text("broken.xml").count("\n") + 1  # cut off on its last line
    assert (
        f"broken.xml: line {last_line}, column " in message and "Nothing was imported." in message
    )
    assert nothing_written()


def test_malformed_item_late_in_the_file_writes_nothing(run_import, tmp_path):
    """The first items are fine; the error is near the end — still nothing is written."""
    text = fixture_text("classic.xml")
    bad_line = text[: text.index("<title>Встреча с фермерами</title>")].count("\n") + 1
    text = text.replace("<title>Встреча с фермерами</title>", "<title>Встреча & фермеры</title>")
    path = tmp_path / "malformed.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=rf"line {bad_line}, column \d+"):
        run_import(str(path))
    assert nothing_written()


def test_a_plain_rss_feed_is_not_a_wordpress_export(run_import, tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
                    "<item><title>a</title></item></channel></rss>")  # fmt: skip
    with pytest.raises(CommandError, match="not a WordPress export"):
        run_import(str(path))
    assert nothing_written()


def test_external_entities_are_never_loaded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    text = fixture_text("wxr10.xml").replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>',
    )
    text = text.replace("The harvest was good this year.", "]]>&xxe;<![CDATA[")
    path = tmp_path / "xxe.xml"
    path.write_text(text, encoding="utf-8")
    items = [r for r in wxr.read(path) if isinstance(r, wxr.Item)]
    assert "TOP-SECRET" not in items[0].content


def test_bad_options_are_refused_before_reading(run_import, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run_import(str(tmp_path / "missing.xml"))
    with pytest.raises(CommandError, match="--section-map"):
        run_import("classic.xml", "--section-map", "analiz")
    with pytest.raises(CommandError, match="--media-dir"):
        run_import("classic.xml", "--media-dir", str(tmp_path / "nope"))
    with pytest.raises(CommandError, match="Unknown time zone"):
        run_import("classic.xml", "--time-zone", "Mars/Olympus")
    assert nothing_written()


def test_every_wxr_version_is_read():
    versions = {}
    for name in ("wxr10.xml", "classic.xml", "block.xml"):
        site = next(r for r in wxr.read(FIXTURES / name) if isinstance(r, wxr.Site))
        versions[name] = site.wxr_version
    assert versions == {"wxr10.xml": "1.0", "classic.xml": "1.1", "block.xml": "1.2"}
