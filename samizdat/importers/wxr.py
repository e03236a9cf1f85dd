"""Streaming reader of WordPress eXtended RSS (WXR 1.0–1.2) as written by WordPress's exporter.

``read(path)`` yields plain records (``Site``, ``Term``, ``Author``, ``Item``) one at a time; each
``<item>`` element is cleared as soon as it is turned into a record, so memory stays bounded by
the largest single item, not by the file. External entities and DTDs are never loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

WP_NS_PREFIX = "http://wordpress.org/export/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
CHANNEL_TERMS = {"category", "tag", "term"}


class WxrError(Exception):
    """The file is not well-formed XML or not a WordPress export; names line and column."""

    def __init__(self, message: str, line: int = 0, column: int = 0):
        self.line, self.column = line, column
        where = f"line {line}, column {column}: " if line else ""
        super().__init__(f"{where}{message}")


@dataclass
class Site:
    title: str = ""
    link: str = ""
    language: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


@dataclass
class Author:
    login: str
    display_name: str


@dataclass
class Term:
    """A category, tag or other taxonomy term (Polylang's ``language``/``post_translations``)."""

    taxonomy: str  # "category", "post_tag", "language", "post_translations", …
    term_id: int
    slug: str
    name: str
    parent: str = ""  # the parent's slug (categories) — WordPress writes slugs here
    description: str = ""


@dataclass
class WxrComment:
    wp_id: int
    author: str
    email: str
    date: str
    date_gmt: str
    content: str
    approved: str
    type: str
    parent: int


@dataclass
class Item:
    wp_id: int
    post_type: str
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    pub_date: str = ""
    post_name: str = ""
    status: str = ""
    parent: int = 0
    menu_order: int = 0
    attachment_url: str = ""
    # (domain, nicename, label) of every <category> element
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WxrComment] = field(default_factory=list)
    line: int = 0

    def terms_in(self, domain: str) -> list[tuple[str, str]]:
        return [(slug, label) for d, slug, label in self.terms if d == domain]


def _local(tag) -> tuple[str, str]:
    """(kind, localname): kind is "wp" for every WXR version's namespace."""
    if not isinstance(tag, str):
        return "", ""
    if tag[0] != "{":
        return "", tag
    ns, _, local = tag[1:].partition("}")
    if ns.startswith(WP_NS_PREFIX):
        return ("excerpt" if ns.rstrip("/").endswith("excerpt") else "wp"), local
    if ns == CONTENT_NS:
        return "content", local
    if ns == DC_NS:
        return "dc", local
    return "other", local


def _text(el) -> str:
    return (el.text or "").strip() if el is not None else ""


def _int(value: str) -> int:
    try:
        return int(value.strip() or 0)
    except (ValueError, AttributeError):
        return 0


def _children(el) -> dict[str, str]:
    out = {}
    for child in el:
        kind, local = _local(child.tag)
        if kind == "wp":
            out[local] = child.text or ""
    return out


def _term(el, local: str) -> Term:
    c = _children(el)
    if local == "category":
        return Term(
            "category",
            _int(c.get("term_id", "")),
            c.get("category_nicename", "").strip(),
            c.get("cat_name", "").strip(),
            c.get("category_parent", "").strip(),
            c.get("category_description", "").strip(),
        )
    if local == "tag":
        return Term(
            "post_tag",
            _int(c.get("term_id", "")),
            c.get("tag_slug", "").strip(),
            c.get("tag_name", "").strip(),
            "",
            c.get("tag_description", "").strip(),
        )
    return Term(
        c.get("term_taxonomy", "").strip(),
        _int(c.get("term_id", "")),
        c.get("term_slug", "").strip(),
        c.get("term_name", "").strip(),
        c.get("term_parent", "").strip(),
        c.get("term_description", "").strip(),
    )


def _comment(el) -> WxrComment:
    c = _children(el)
    return WxrComment(
        wp_id=_int(c.get("comment_id", "")),
        author=c.get("comment_author", "").strip(),
        email=c.get("comment_author_email", "").strip(),
        date=c.get("comment_date", "").strip(),
        date_gmt=c.get("comment_date_gmt", "").strip(),
        content=c.get("comment_content", ""),
        approved=c.get("comment_approved", "").strip(),
        type=c.get("comment_type", "").strip(),
        parent=_int(c.get("comment_parent", "")),
    )


def _item(el) -> Item:
    item = Item(wp_id=0, post_type="", line=el.sourceline or 0)
    for child in el:
        kind, local = _local(child.tag)
        text = child.text or ""
        if kind == "":
            if local == "title":
                item.title = text.strip()
            elif local == "link":
                item.link = text.strip()
            elif local == "guid":
                item.guid = text.strip()
            elif local == "pubDate":
                item.pub_date = text.strip()
            elif local == "category":
                domain = child.get("domain", "category")
                if domain == "tag":  # WXR 1.0
                    domain = "post_tag"
                item.terms.append((domain, (child.get("nicename") or "").strip(), text.strip()))
        elif kind == "content" and local == "encoded":
            item.content = text
        elif kind == "excerpt" and local == "encoded":
            item.excerpt = text
        elif kind == "dc" and local == "creator":
            item.creator = text.strip()
        elif kind == "wp":
            if local == "post_id":
                item.wp_id = _int(text)
            elif local == "post_type":
                item.post_type = text.strip()
            elif local == "post_date":
                item.post_date = text.strip()
            elif local == "post_date_gmt":
                item.post_date_gmt = text.strip()
            elif local == "post_name":
                item.post_name = text.strip()
            elif local == "status":
                item.status = text.strip()
            elif local == "post_parent":
                item.parent = _int(text)
            elif local == "menu_order":
                item.menu_order = _int(text)
            elif local == "attachment_url":
                item.attachment_url = text.strip()
            elif local == "postmeta":
                meta = _children(child)
                key = meta.get("meta_key", "").strip()
                if key:
                    item.meta[key] = meta.get("meta_value", "")
            elif local == "comment":
                item.comments.append(_comment(child))
    return item


def read(path, on_progress=None) -> Iterator[Site | Author | Term | Item]:
    """Yield the export's records in file order; raise ``WxrError`` on broken input.

    ``on_progress(bytes_read)`` is called after each item (for a progress bar).
    """
    site = Site()
    site_sent = False
    seen_channel = False
    with open(path, "rb") as handle:
        events = etree.iterparse(
            handle,
            events=("end",),
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            huge_tree=True,
            remove_comments=True,
            remove_pis=True,
        )
        try:
            for _event, el in events:
                parent = el.getparent()
                if parent is None or _local(parent.tag) != ("", "channel"):
                    continue
                seen_channel = True
                kind, local = _local(el.tag)
                if kind == "" and local == "item":
                    if not site_sent:
                        site_sent = True
                        yield site
                    yield _item(el)
                    if on_progress:
                        on_progress(handle.tell())
                elif kind == "" and local in ("title", "link", "language"):
                    setattr(site, local, _text(el))
                elif kind == "wp" and local in ("base_site_url", "base_blog_url", "wxr_version"):
                    setattr(site, local, _text(el))
                elif kind == "wp" and local == "author":
                    c = _children(el)
                    yield Author(
                        c.get("author_login", "").strip(),
                        c.get("author_display_name", "").strip(),
                    )
                elif kind == "wp" and local in CHANNEL_TERMS:
                    yield _term(el, local)
                # Free what was read: this element and the siblings before it.
                el.clear(keep_tail=False)
                while el.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as exc:
            line, column = exc.position if exc.position else (exc.lineno or 0, 0)
            message = re.sub(r",\s*line \d+, column \d+\s*$", "", exc.msg or str(exc))
            raise WxrError(message.strip(), line, column) from exc
    if not seen_channel or not site.wxr_version:
        raise WxrError("not a WordPress export (no <channel> with <wp:wxr_version>)")
    if not site_sent:
        yield site
