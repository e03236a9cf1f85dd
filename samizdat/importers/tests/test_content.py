"""HTML and shortcodes → Markdown, one construct at a time (no database)."""

from __future__ import annotations

from samizdat.importers.catalogue import parse_polylang_group, upload_key
from samizdat.importers.content import plain_title, to_markdown, to_plain_text
from samizdat.importers.redirects import key_from_url
from samizdat.importers.slugs import ascii_slug, unicode_slug

OLD = "https://old.example"


def md(html: str, media: dict | None = None, gallery=None) -> str:
    media = media or {}
    return to_markdown(
        html,
        resolve_media=lambda url: media.get(url),
        is_old_site=lambda url: url.startswith((OLD, "/")) and not url.startswith("/media/"),
        gallery=gallery or (lambda attrs: []),
    ).markdown


def test_classic_paragraphs_and_line_breaks():
    assert md("one\ntwo\n\nthree") == "one  \ntwo\n\nthree\n"


def test_caption_with_a_linked_image():
    html = (
        '[caption id="attachment_5" width="300"]<a href="https://old.example/wp-content/uploads/a.jpg">'
        '<img src="https://old.example/wp-content/uploads/a-300x200.jpg" alt="Митинг"></a>'
        " Подпись[/caption]"
    )
    media = {f"{OLD}/wp-content/uploads/a.jpg": "/media/a.jpg"}
    media[f"{OLD}/wp-content/uploads/a-300x200.jpg"] = "/media/a.jpg"
    assert md(html, media) == "[![Митинг](/media/a.jpg)](/media/a.jpg)\n\n*Подпись*\n"


def test_gallery_uses_the_callback_and_its_ids():
    seen = []

    def gallery(attrs):
        seen.append(attrs)
        return [("/media/x.jpg", "X"), ("/media/y.jpg", "Y")]

    assert md('[gallery ids="4,5" columns="2"]', gallery=gallery) == (
        "![X](/media/x.jpg)\n\n![Y](/media/y.jpg)\n"
    )
    assert seen == [{"ids": "4,5", "columns": "2"}]


def test_embed_audio_video_become_links():
    assert md("[embed]https://v.example/1[/embed]") == "<https://v.example/1>\n"
    assert md('[audio src="https://cdn.example/a.ogg"]') == "[a.ogg](https://cdn.example/a.ogg)\n"
    assert md('[video mp4="https://cdn.example/v.mp4"][/video]') == (
        "[v.mp4](https://cdn.example/v.mp4)\n"
    )


def test_unknown_shortcodes_stay_visible_and_are_reported():
    result = to_markdown(
        'До [su_button url="x"]Кнопка[/su_button] после',
        resolve_media=lambda url: None,
        is_old_site=lambda url: False,
    )
    assert result.markdown == 'До [su_button url="x"]Кнопка[/su_button] после\n'
    assert result.unknown_shortcodes == ["su_button"]


def test_block_comments_are_dropped():
    html = '<!-- wp:paragraph {"a":1} -->\n<p>Текст</p>\n<!-- /wp:paragraph --><!--more-->'
    assert md(html) == "Текст\n"


def test_scripts_styles_and_unsafe_links_are_removed():
    result = to_markdown(
        '<p>a<script>x()</script><style>p{}</style> <a href="javascript:y()">b</a></p>',
        resolve_media=lambda url: None,
        is_old_site=lambda url: False,
    )
    assert result.markdown == "a b\n" and result.scripts == 1


def test_images_from_elsewhere_become_links_and_old_site_links_relative():
    assert md('<img src="https://cdn.example/p.gif" alt="p">') == "[p](https://cdn.example/p.gif)\n"
    assert md('<a href="https://old.example/2024/05/x/?a=1#c">x</a>') == "[x](/2024/05/x/?a=1#c)\n"


def test_plain_text_titles_and_comments():
    assert plain_title("Цены &#8220;выросли&#8221; <b>снова</b>") == "Цены “выросли” снова"
    assert to_plain_text("<p>Раз</p><p>Два<br/>три &amp; четыре</p>") == "Раз\n\nДва\nтри & четыре"


def test_slugs_urls_and_polylang_groups():
    assert ascii_slug("Біз туралы") == "biz-turaly" and ascii_slug("Объявление") == "obiavlenie"
    assert unicode_slug("%d0%be-%d0%bd%d0%b0%d1%81") == "о-нас"
    assert upload_key("https://x/wp-content/uploads/2024/05/a-1024x768.jpg") == "2024/05/a.jpg"
    assert upload_key("https://x/wp-content/uploads/2024/05/a-scaled.jpg") == "2024/05/a.jpg"
    assert key_from_url("https://x/index.php?p=12&preview=true") == "/?p=12"
    assert key_from_url("https://x/blog/?page_id=7") == "/blog/?page_id=7"
    assert key_from_url("https://x/%d0%be-%d0%bd%d0%b0%d1%81/?utm=1") == "/о-нас/"
    assert parse_polylang_group('a:2:{s:2:"ru";i:51;s:2:"en";i:52;}') == {"ru": 51, "en": 52}
    assert parse_polylang_group('a:1:{s:2:"ru";s:3:"bad";}') == {}
