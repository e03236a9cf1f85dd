"""The block-editor export (kk), the Polylang export (ru/en/kk), WPML's meta and WXR 1.0 (en)."""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import default_storage

from samizdat.discussion.models import Comment
from samizdat.importers.models import ImportedItem
from samizdat.publishing.models import Page, Statement

from .conftest import fixture_text

pytestmark = pytest.mark.django_db


def target(kind: str, wp_id: int):
    return ImportedItem.objects.get(kind=kind, wp_id=wp_id).target


def test_block_editor_content_becomes_clean_markdown(run_import, uploads):
    out = run_import("block.xml", "--language", "kk", "--media-dir", str(uploads))
    post = target("post", 21)
    assert (post.language, post.slug, post.section.names["kk"]) == ("kk", "мәлімдеме", "Жаңалықтар")
    assert post.section.slug == "zhanalyqtar"  # Cyrillic category slug, transliterated
    body = post.body
    assert "wp:" not in body and "<!--" not in body
    assert "## Талаптар" in body and "- Жалақыны 30% көтеру" in body
    assert "> Білім — болашақтың кілті." in body
    assert "| Ақмола | 12 |" in body
    assert "<https://video.mugalim.example/v/kenes>" in body
    image = target("attachment", 31)
    assert post.lead_image == image
    assert f"![Ауыл мектебі]({default_storage.url(image.file.name)})" in body
    assert "*Ауыл мектебі, Ақмола облысы*" in body
    assert "<script" not in post.body_html and "onmouseover" not in post.body_html
    assert "Қауіпсіз мәтін" in post.body_html
    assert "unknown shortcode left as text — [donate-button]" in out
    assert "not imported: wp_global_styles: 1" in out
    reply = target("comment", 42)
    assert reply.parent == target("comment", 41) and reply.language == "kk"
    assert target("comment", 41).text == "Толық қолдаймын.\n\nЕкінші абзац."
    assert target("page", 22).slug == "biz-turaly"


def test_block_export_from_a_subdirectory_keeps_its_old_urls(client, run_import, uploads):
    run_import("block.xml", "--language", "kk", "--media-dir", str(uploads))
    new = target("post", 21).get_absolute_url()
    assert (
        client.get("/blog/%D0%BC%D3%99%D0%BB%D1%96%D0%BC%D0%B4%D0%B5%D0%BC%D0%B5/")["Location"]
        == new
    )
    response = client.get("/blog/?p=21")
    assert (response.status_code, response["Location"]) == (301, new)


def test_polylang_items_get_their_languages_and_are_linked(run_import):
    out = run_import("polylang.xml")
    ru, en, kk = (target("post", i) for i in (51, 52, 53))
    assert (ru.language, en.language, kk.language) == ("ru", "en", "kk")
    assert ru.translation_group_id is not None
    assert ru.translation_group_id == en.translation_group_id == kk.translation_group_id
    # In the registry's order (ru, kk, en), like every list of language versions.
    assert [s.language for s in ru.translations()] == ["kk", "en"]
    piket, picket = target("post", 54), target("post", 55)
    assert piket.translation_group_id == picket.translation_group_id != ru.translation_group_id
    assert picket.status == Statement.Status.DRAFT
    # The category and its Polylang translation are one section, named in both languages.
    assert ru.section == en.section == kk.section
    assert (ru.section.slug, ru.section.names["ru"], ru.section.names["en"]) == (
        "zayavleniya",
        "Заявления",
        "Statements",
    )
    # Language versions of a page share one slug.
    pages = {p.language: p.slug for p in Page.objects.all()}
    assert pages == {"ru": "kontakty", "en": "kontakty"}
    assert "post 63 (line 175): language not on this site: skipped — de" in out
    assert Comment.objects.get().language == "ru"


def test_polylang_rerun_keeps_the_links(run_import):
    run_import("polylang.xml")
    groups = dict(Statement.objects.values_list("pk", "translation_group_id"))
    out = run_import("polylang.xml")
    assert "Nothing changed" in out
    assert dict(Statement.objects.values_list("pk", "translation_group_id")) == groups


def test_polylang_language_prefixed_old_urls_redirect(client, run_import):
    run_import("polylang.xml")
    response = client.get("/en/statement-on-freedom-of-speech/")
    assert response.status_code == 301
    assert response["Location"] == target("post", 52).get_absolute_url()
    # Both languages' category addresses lead to the one section.
    for old in ("/category/statements/", "/category/zayavleniya/"):
        assert client.get(old)["Location"] == "/ru/zayavleniya/"


def test_wpml_meta_sets_languages_and_translation_groups(run_import, tmp_path):
    text = fixture_text("polylang.xml")
    # Drop Polylang's taxonomies and describe the same pair the way WPML's export does.
    text = re.sub(r'<category domain="(?:language|post_translations)".*?</category>', "", text)
    text = re.sub(r"<wp:term>.*?</wp:term>", "", text, flags=re.S)
    meta = (
        "<wp:postmeta><wp:meta_key>_wpml_import_language_code</wp:meta_key>"
        "<wp:meta_value>{lang}</wp:meta_value></wp:postmeta>"
        "<wp:postmeta><wp:meta_key>_wpml_import_translation_group</wp:meta_key>"
        "<wp:meta_value>group-1</wp:meta_value></wp:postmeta>"
    )
    for wp_id, lang in ((54, "ru"), (55, "en")):
        tag = f"<wp:post_id>{wp_id}</wp:post_id>"
        text = text.replace(tag, tag + meta.format(lang=lang))
    path = tmp_path / "wpml.xml"
    path.write_text(text, encoding="utf-8")
    run_import(str(path))
    piket, picket = target("post", 54), target("post", 55)
    assert (piket.language, picket.language) == ("ru", "en")
    assert piket.translation_group_id == picket.translation_group_id is not None
    assert target("post", 51).translation_group_id is None  # no WPML meta: not linked


def test_wxr_1_0_export(run_import):
    run_import("wxr10.xml", "--language", "en")
    post = target("post", 7)
    assert (post.language, post.section.slug, post.section.names["en"]) == (
        "en",
        "reports",
        "Reports",
    )
    assert {t.slug for t in post.tags.all()} == {"harvest"}
    assert post.body == "The harvest was good this year.\n\nWheat: 2.1 t/ha.\n"
    assert target("comment", 3).name == "Farmer Joe"
