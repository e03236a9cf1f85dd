"""Post 220 hostile strings into every field: everything comes back escaped, nothing 500s."""

from __future__ import annotations

import lxml.html
import pytest

from samizdat.discussion import captcha
from samizdat.discussion.models import Comment
from samizdat.discussion.text import strip_invisible

from .hostile import HOSTILE

pytestmark = pytest.mark.django_db
FIELDS = ["name", "email", "text", "answer", "token", "website", "parent", "notify"]
ALLOWED_TAGS = {
    "section",
    "link",
    "h2",
    "h3",
    "p",
    "form",
    "label",
    "input",
    "textarea",
    "span",
    "div",
    "button",
    "ol",
    "li",
    "article",
    "strong",
    "a",
    "time",
    "br",
    "nav",  # the discussion's page links
}


@pytest.fixture
def relaxed(settings):
    """Let every post through the other layers, so content reaches the page."""
    settings.COMMENT_MIN_SECONDS = 0
    settings.COMMENT_RATE_CLIENT = settings.COMMENT_RATE_ATTEMPTS = "100000/60"
    settings.COMMENT_RATE_STATEMENT = "100000/60"
    settings.COMMENT_MODERATE_FIRST = False
    settings.COMMENT_MAX_LINKS = 100
    settings.COMMENT_THREADS_PER_PAGE = 10000  # every posted comment on the one page


def valid_token(statement) -> tuple[str, str]:
    token = captcha.issue_token(statement.pk, issued=captcha.now() - 30)
    return token, str(captcha.read_token(token, statement.pk).challenge.answer)


def assert_safe(html: str) -> lxml.html.HtmlElement:
    """No markup from a comment: only our own tags and attributes in the comments section."""
    doc = lxml.html.fromstring(html)
    for script in doc.iter("script"):
        assert script.get("type") == "application/ld+json"
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in element.attrib:
            assert not attribute.lower().startswith("on"), (element.tag, attribute)
        href = element.get("href")
        if href is not None:
            assert href.startswith(("http://", "https://", "/", "#")), href
    section = doc.get_element_by_id("comments")
    tags = {el.tag for el in section.iter() if isinstance(el.tag, str)}
    assert not [el for el in section.iter() if el.get("style") is not None]  # strict CSP
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    return doc


def shown(value: str, multiline: bool) -> str:
    return strip_invisible(value, multiline=multiline)[0]


def textarea_value(doc) -> str:
    text = doc.get_element_by_id("c-text").text or ""
    return text[1:] if text.startswith("\n") else text


def test_hostile_strings_in_every_field(client, make_statement, relaxed):
    statement, quiet = make_statement(), make_statement()
    url = f"/ru/comments/{statement.pk}/"
    quiet_url = f"/ru/comments/{quiet.pk}/"  # no comments: its error pages render fast
    statuses = set()
    for value in HOSTILE:
        # 1. The string in every field at once: refused (no valid token), echoed escaped.
        response = client.post(quiet_url, {field: value for field in FIELDS})
        statuses.add(response.status_code)
        assert response.status_code == 400, (value, response.status_code)
        html = response.content.decode()
        doc = assert_safe(html)
        assert doc.get_element_by_id("c-name").get("value") == shown(value, False)
        assert textarea_value(doc) == shown(value, True).replace("\r", "")
        # 2. In name and text with a solved challenge: saved or refused, never a 500.
        token, answer = valid_token(statement)
        data = {"name": value, "text": value, "token": token, "answer": answer, "email": ""}
        response = client.post(url, data)
        statuses.add(response.status_code)
        assert response.status_code in (302, 400), (value, response.status_code)
        if response.status_code == 400:
            assert_safe(response.content.decode())
    assert statuses == {302, 400}

    page = client.get(statement.get_absolute_url()).content.decode()
    doc = assert_safe(page)
    approved = list(Comment.objects.approved().filter(statement=statement))
    assert len(approved) > 100
    for comment in approved:
        item = doc.get_element_by_id(f"c{comment.pk}")
        assert item.find_class("comment-author")[0].text_content() == comment.name
        rendered = item.find_class("comment-text")[0].text_content()
        assert "".join(comment.text.split()).startswith("".join(rendered.split())[:20].rstrip("…"))
    for value in HOSTILE:
        if "<script" in value:
            assert "<script>alert" not in page


def test_invalid_utf8_and_percent_junk_do_not_500(client, make_statement, relaxed):
    statement = make_statement()
    url = f"/ru/comments/{statement.pk}/"
    for body in (
        b"name=%FF%FE&text=%C0%AF&answer=%ED%A0%80",
        b"name=%00&text=%00%00&token=%00",
        b"name=" + b"%" * 1000,
        b"&&&==&=&name",
        b"text=\xff\xfe\xfd",
    ):
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400
        assert_safe(response.content.decode())
