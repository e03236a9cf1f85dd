"""WordPress post content (classic or block editor HTML with shortcodes) → the editor's Markdown.

The result is stored in ``body`` and rendered by ``publishing.markup`` like any typed text, so
the sanitiser decides what reaches a page; here we only make the Markdown faithful.
Media URLs are handed to a ``resolve_media(url) -> new_url | None`` callback, so the caller
decides which attachments are imported.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdownify import MarkdownConverter

BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->|<!--\s*(?:more|nextpage)\b.*?-->", re.S)
SHORTCODE = re.compile(
    r"\[(?P<name>[a-zA-Z][\w-]*)(?P<attrs>(?:\s[^\]]*)?)\]"
    r"(?:(?P<inner>.*?)\[/(?P=name)\])?",
    re.S,
)
ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
BLOCK_TAGS = "p|div|h[1-6]|ul|ol|li|table|tr|td|th|blockquote|pre|figure|hr|form|address|dl|script"
BLOCK_START = re.compile(rf"^\s*<(?:{BLOCK_TAGS})\b", re.I)
KNOWN_SHORTCODES = {"caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist"}
SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ONLY = re.compile(r"^\s*(https?://\S+)\s*$", re.M)
EMBED_WRAPPER = re.compile(
    r'<div class="wp-block-embed__wrapper">\s*(https?://[^\s<]+)\s*</div>', re.S
)


@dataclass
class Conversion:
    markdown: str
    unknown_shortcodes: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)  # media URLs that were resolved
    external_images: int = 0
    scripts: int = 0


def shortcode_attrs(raw: str) -> dict[str, str]:
    return {k.lower(): a or b or c for k, a, b, c in ATTR.findall(raw or "")}


def autop(text: str) -> str:
    """A small wpautop: classic-editor text keeps paragraphs as blank lines, not <p>."""
    chunks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        if BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.strip().replace("\n", "<br>\n") + "</p>")
    text = "\n".join(out)
    # No line break next to a block element (as wpautop does).
    text = re.sub(rf"<br>\n(?=\s*</?(?:{BLOCK_TAGS})\b)", "\n", text, flags=re.I)
    return re.sub(rf"(</?(?:{BLOCK_TAGS})\b[^>]*>)<br>\n", r"\1\n", text, flags=re.I)


class _Converter(MarkdownConverter):
    """markdownify with WordPress's iframes, figures and media URLs handled."""

    def __init__(self, result: Conversion, resolve_media, is_old_site, **options):
        super().__init__(**options)
        self.result = result
        self.resolve_media = resolve_media
        self.is_old_site = is_old_site

    def _media(self, url: str) -> str | None:
        if not url or not self.is_old_site(url):
            return None
        new = self.resolve_media(url)
        if new is None:
            return None
        self.result.media.append(url)
        return new

    def convert_img(self, el, text, parent_tags):
        src = el.attrs.get("src", "") or ""
        new = self._media(src)
        alt = (el.attrs.get("alt") or "").replace("]", ")").replace("[", "(")
        if new:
            el.attrs["src"] = new
            el.attrs.pop("title", None)
            return super().convert_img(el, text, parent_tags)
        if self.is_old_site(src):
            # An old-site image we could not import: a link the redirect table may answer.
            parts = urlsplit(src)
            return f"[{alt or parts.path}]({parts.path})"
        if src.startswith(("http://", "https://", "//")):
            # Pages load nothing from other hosts: an outside image becomes a link to it.
            self.result.external_images += 1
            return f"[{alt or src}]({src})"
        return super().convert_img(el, text, parent_tags)

    def convert_a(self, el, text, parent_tags):
        href = el.attrs.get("href", "") or ""
        scheme = urlsplit(href).scheme.lower()
        if scheme and scheme not in SAFE_SCHEMES:
            return text  # javascript:, data: … — keep the words, drop the link
        new = self._media(href)
        if new:
            el.attrs["href"] = new
        elif self.is_old_site(href):
            # A link inside the old site: keep it relative, the redirect table answers it.
            parts = urlsplit(href)
            el.attrs["href"] = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            if parts.fragment:
                el.attrs["href"] += f"#{parts.fragment}"
        return super().convert_a(el, text, parent_tags)

    def convert_iframe(self, el, text, parent_tags):
        src = el.attrs.get("src", "")
        if not src:
            return ""
        return f"\n\n[{el.attrs.get('title') or src}]({src})\n\n"

    def convert_script(self, el, text, parent_tags):
        self.result.scripts += 1
        return ""

    def convert_style(self, el, text, parent_tags):
        return ""

    convert_svg = convert_style

    def convert_figcaption(self, el, text, parent_tags):
        return f"\n\n*{text.strip()}*\n\n" if text.strip() else ""


def _media_link(url: str, label: str) -> str:
    return f'<p><a href="{html.escape(url)}">{html.escape(label)}</a></p>'


def expand_shortcodes(
    text: str,
    unknown: list[str],
    gallery: Callable[[dict], list[tuple[str, str]]],
) -> str:
    """Turn the shortcodes we know into HTML; leave others as they are and note their names.

    ``gallery(attrs)`` returns (image URL, alt) pairs for a [gallery].
    """

    def replace(m: re.Match) -> str:
        name = m["name"].lower()
        attrs = shortcode_attrs(m["attrs"])
        inner = m["inner"] or ""
        if name not in KNOWN_SHORTCODES:
            unknown.append(name)
            # Left visible as text, but its content still gets the treatment.
            if m["inner"] is None:
                return m[0]
            return f"[{m['name']}{m['attrs']}]" + expand(inner) + f"[/{m['name']}]"
        if name in ("caption", "wp_caption"):
            inner = expand(inner)
            caption = attrs.get("caption", "")
            media = re.match(r"\s*((?:<a\b[^>]*>)?\s*<img\b[^>]*>\s*(?:</a>)?)(.*)", inner, re.S)
            if media:
                caption = caption or media[2].strip()
                inner = media[1]
            figure = f"<p>{inner}</p>"
            return figure + (f"<figcaption>{caption}</figcaption>" if caption else "")
        if name == "gallery":
            images = gallery(attrs)
            return "".join(
                f'<p><img src="{html.escape(url)}" alt="{html.escape(alt)}"></p>'
                for url, alt in images
            )
        if name == "embed":
            url = inner.strip() or attrs.get("src", "")
            return _media_link(url, url) if url else ""
        if name in ("audio", "video", "playlist"):
            url = attrs.get("src") or next(
                (
                    attrs[k]
                    for k in ("mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv")
                    if k in attrs
                ),
                "",
            )
            return _media_link(url, url.rsplit("/", 1)[-1] or name) if url else ""
        return m[0]

    def expand(value: str) -> str:
        return SHORTCODE.sub(replace, value)

    return expand(text)


def to_markdown(
    raw: str,
    *,
    resolve_media: Callable[[str], str | None],
    is_old_site: Callable[[str], bool],
    gallery: Callable[[dict], list[tuple[str, str]]] = lambda attrs: [],
) -> Conversion:
    """Convert one post's ``content:encoded`` to Markdown."""
    result = Conversion(markdown="")
    text = (raw or "").replace("\x00", "")
    block_editor = "<!-- wp:" in text
    text = BLOCK_COMMENT.sub("", text)
    text = EMBED_WRAPPER.sub(lambda m: _media_link(m[1], m[1]), text)
    if not block_editor:
        # A URL alone on a line is an oEmbed in the classic editor: keep it as a link.
        text = autop(URL_ONLY.sub(lambda m: _media_link(m[1], m[1]), text))
    text = expand_shortcodes(text, result.unknown_shortcodes, gallery)
    converter = _Converter(
        result,
        resolve_media,
        is_old_site,
        heading_style="ATX",
        bullets="-",
        escape_underscores=False,
        escape_asterisks=True,
        strip=["noscript", "object", "embed", "form", "input", "button"],
    )
    markdown = converter.convert(text)
    markdown = re.sub(r"(?m)^[ \t]+$", "", markdown)
    result.markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    return result


def to_plain_text(raw: str) -> str:
    """A comment's HTML as the plain text comments are stored in (paragraphs kept)."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", raw or "")
    text = re.sub(r"(?i)</p\s*>", "\n\n", text)
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text).replace("\x00", "").replace("\r\n", "\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def plain_title(raw: str) -> str:
    """A title as text: WordPress stores entities (&#8220;) and sometimes tags in titles."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", raw or ""))).strip()
