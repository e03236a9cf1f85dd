"""Re-running: the same file changes nothing; a newer export adds and updates; a dry run writes
nothing at all."""

from __future__ import annotations

import pytest
from django.conf import settings

from samizdat.discussion.models import Comment
from samizdat.importers.models import ImportedItem, ImportRun, Redirect
from samizdat.publishing.models import Image, Page, Section, Statement, Tag

from .conftest import fixture_text

pytestmark = pytest.mark.django_db

MODELS = (Statement, Page, Section, Tag, Image, Comment, ImportedItem, Redirect)

NEW_POST = """
	<item>
		<title>Итоги съезда</title>
		<link>https://old.steppe-coop.example/2024/12/itogi/</link>
		<dc:creator><![CDATA[redaktor]]></dc:creator>
		<guid isPermaLink="false">https://old.steppe-coop.example/?p=108</guid>
		<content:encoded><![CDATA[Съезд избрал новый совет.]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>108</wp:post_id>
		<wp:post_date><![CDATA[2024-12-01 10:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2024-12-01 05:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[itogi]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<category domain="category" nicename="analiz"><![CDATA[Анализ]]></category>
	</item>
</channel>"""

NEW_COMMENT = """<wp:comment><wp:comment_id>20</wp:comment_id><wp:comment_author><![CDATA[Дина]]></wp:comment_author><wp:comment_author_email><![CDATA[]]></wp:comment_author_email><wp:comment_author_IP><![CDATA[192.0.2.20]]></wp:comment_author_IP><wp:comment_date><![CDATA[2024-05-09 12:00:00]]></wp:comment_date><wp:comment_date_gmt><![CDATA[2024-05-09 06:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[Новый ответ.]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[]]></wp:comment_type><wp:comment_parent>11</wp:comment_parent></wp:comment>
	</item>"""  # noqa: E501


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def newer_export(tmp_path) -> str:
    text = fixture_text("classic.xml")
    text = text.replace(
        "Съезд пройдёт в Павлодаре.", "Съезд пройдёт в Павлодаре, во Дворце культуры."
    )
    # Comment 15 was approved on the old site in the meantime.
    text = text.replace(
        "<![CDATA[Ждёт проверки.]]></wp:comment_content><wp:comment_approved><![CDATA[0]]>",
        "<![CDATA[Ждёт проверки.]]></wp:comment_content><wp:comment_approved><![CDATA[1]]>",
    )
    first_item_end = text.index("</item>")
    text = text[:first_item_end] + NEW_COMMENT + text[first_item_end + len("</item>") :]
    text = text.replace("</channel>", NEW_POST)
    path = tmp_path / "classic-newer.xml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_second_run_changes_nothing_and_says_so(run_import, uploads):
    run_import("classic.xml", "--media-dir", str(uploads))
    before = counts()
    stamps = dict(Statement.objects.values_list("pk", "updated_at"))
    out = run_import("classic.xml", "--media-dir", str(uploads))
    assert "Nothing changed: everything in the file is already imported." in out
    assert counts() == before
    assert dict(Statement.objects.values_list("pk", "updated_at")) == stamps
    assert ImportRun.objects.count() == 2  # each written run is recorded


def test_newer_export_adds_and_updates_without_duplicating(run_import, uploads, tmp_path):
    run_import("classic.xml", "--media-dir", str(uploads))
    before = counts()
    out = run_import(newer_export(tmp_path), "--media-dir", str(uploads))
    after = counts()
    assert after["Statement"] == before["Statement"] + 1
    assert after["Comment"] == before["Comment"] + 1
    assert after["Image"] == before["Image"]
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:] if line.strip()}
    assert lines["post"] == ["1", "1", "5", "1"]  # created, updated, unchanged, skipped
    assert lines["comment"][:2] == ["1", "1"]
    item = ImportedItem.objects.get(kind="post", wp_id=102)
    assert "Дворце культуры" in item.target.body
    c15 = ImportedItem.objects.get(kind="comment", wp_id=15).target
    assert c15.status == Comment.Status.APPROVED
    c20 = ImportedItem.objects.get(kind="comment", wp_id=20).target
    assert c20.parent == ImportedItem.objects.get(kind="comment", wp_id=11).target
    assert (
        Comment.objects.filter(text="Поддерживаю решение совета!\nЦены нужно поднять.").count() == 1
    )


def test_dry_run_reports_and_writes_nothing(run_import, uploads):
    media_before = sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    before = counts()
    out = run_import("classic.xml", "--media-dir", str(uploads), "--dry-run")
    assert "would be created" in out and "Dry run: nothing was written." in out
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:] if line.strip()}
    assert lines["post"][0] == "6" and lines["image"][0] == "2" and lines["comment"][0] == "7"
    assert counts() == before
    assert ImportRun.objects.count() == 0
    assert sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == media_before
    # …and the real run afterwards reports the same numbers.
    real = run_import("classic.xml", "--media-dir", str(uploads))
    real_lines = {
        line.split()[0]: line.split()[1:] for line in real.splitlines()[2:] if line.strip()
    }
    assert real_lines["post"] == lines["post"] and real_lines["comment"] == lines["comment"]
