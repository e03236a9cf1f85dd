"""JSON Feed 1.1: checked against the structure the specification requires."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from samizdat.publishing.tests.factories import make_statement

from .conftest import ISSUERS, TITLES

pytestmark = pytest.mark.django_db

VERSION = "https://jsonfeed.org/version/1.1"


def _rfc3339(value: str) -> bool:
    try:
        return datetime.fromisoformat(value).tzinfo is not None and "T" in value
    except ValueError:
        return False


def json_feed_problems(feed: object) -> list[str]:
    """What makes ``feed`` not a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1)."""
    if not isinstance(feed, dict):
        return ["not an object"]
    problems = []
    if feed.get("version") != VERSION:
        problems.append("version")
    if not isinstance(feed.get("title"), str):
        problems.append("title")
    for key in ("home_page_url", "feed_url", "description", "language"):
        if key in feed and not isinstance(feed[key], str):
            problems.append(key)
    for key in ("home_page_url", "feed_url"):
        if key in feed and not feed[key].startswith(("http://", "https://")):
            problems.append(f"{key} not absolute")
    for author in feed.get("authors", []):
        if not isinstance(author, dict) or not {"name", "url", "avatar"} & author.keys():
            problems.append("feed author")
    items = feed.get("items")
    if not isinstance(items, list):
        return [*problems, "items"]
    ids = set()
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(f"item {n}")
            continue
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"item {n} id")
        elif item["id"] in ids:
            problems.append(f"item {n} duplicate id")
        ids.add(item.get("id"))
        if not isinstance(item.get("content_html"), str) and not isinstance(
            item.get("content_text"), str
        ):
            problems.append(f"item {n} content")
        for key in ("url", "external_url", "image", "banner_image"):
            if key in item and not str(item[key]).startswith(("http://", "https://")):
                problems.append(f"item {n} {key}")
        for key in ("date_published", "date_modified"):
            if key in item and not _rfc3339(item[key]):
                problems.append(f"item {n} {key}")
        if "tags" in item and not all(isinstance(t, str) for t in item["tags"]):
            problems.append(f"item {n} tags")
        for author in item.get("authors", []):
            if not isinstance(author, dict) or not {"name", "url", "avatar"} & author.keys():
                problems.append(f"item {n} author")
        for key in item:
            known = {
                "id", "url", "external_url", "title", "content_html", "content_text", "summary",
                "image", "banner_image", "date_published", "date_modified", "authors", "tags",
                "language", "attachments",
            }  # fmt: skip
            if key not in known and not key.startswith("_"):
                problems.append(f"item {n} unknown {key}")
    return problems


def get_feed(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    feed = json.loads(response.content)
    assert json_feed_problems(feed) == []
    return feed


def test_the_checker_can_fail():
    assert json_feed_problems({"version": VERSION, "title": "t", "items": [{}]}) == [
        "item 0 id",
        "item 0 content",
    ]
    assert "version" in json_feed_problems({"version": "1", "title": "t", "items": []})


@pytest.mark.parametrize(
    "path",
    [
        "/{lang}/feeds/feed.json",
        "/{lang}/feeds/analysis/feed.json",
        "/{lang}/feeds/tags/water/feed.json",
    ],
)
@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_json_feed_items(client, water, lang, path):
    url = path.format(lang=lang)
    feed = get_feed(client, url)
    assert feed["version"] == VERSION
    assert feed["feed_url"] == f"http://testserver{url}"
    assert feed["language"] == lang
    [item] = feed["items"]
    statement = water[lang]
    assert item["title"] == TITLES[lang]
    assert item["url"] == f"http://testserver/{lang}/analysis/water-{lang}/"
    assert item["id"].endswith(f":statement:{statement.pk}")
    assert statement.body_html.split("<")[1] in item["content_html"]
    assert ISSUERS[lang] in item["content_html"]
    assert item["authors"] == [{"name": ISSUERS[lang]}]
    assert item["image"].startswith("http://testserver/media/images/")  # a random name
    assert item["image"] in item["content_html"]
    assert item["tags"] == ["water"]
    others = [c for c in ("ru", "kk", "en") if c != lang]
    assert [t["language"] for t in item["_samizdat"]["translations"]] == others
    for code in others:
        assert f"http://testserver/{code}/analysis/water-{code}/" in item["content_html"]


def test_json_feed_is_newest_first(client):
    for i in range(3):
        make_statement(title=f"s{i}")
    feed = get_feed(client, "/ru/feeds/feed.json")
    assert [item["title"] for item in feed["items"]] == ["s0", "s1", "s2"]
    dates = [item["date_published"] for item in feed["items"]]
    assert dates == sorted(dates, reverse=True)
