"""What of a statement is searchable: title, summary and the text of its body."""

from __future__ import annotations

from html.parser import HTMLParser

from samizdat import languages
from samizdat.publishing.models import Statement

from .analysis import clean_text
from .models import SearchDocument

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "table", "tr", "td", "th", "figure", "figcaption", "hr", "dt", "dd",
}  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f" {alt} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text of sanitised HTML: tags dropped, blocks separated, entities decoded."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def build_document(statement: Statement) -> SearchDocument:
    return SearchDocument(
        statement_id=statement.pk,
        language=statement.language,
        config=languages.get(statement.language).search_config,
        title=clean_text(statement.title),
        summary=clean_text(statement.summary),
        body=clean_text(html_to_text(statement.body_html)),
    )
