import pytest
from hypothesis import given
from hypothesis import strategies as st

from samizdat.discussion.text import count_links, link_hosts, render_comment, strip_invisible


@pytest.mark.parametrize(
    ("raw", "multiline", "clean", "removed"),
    [
        ("Айгерим", False, "Айгерим", 0),
        ("Ai\u202egerim", False, "Aigerim", 1),  # right-to-left override
        ("a\u200bb\u2060c\ufeff", True, "abc", 3),  # zero-width characters
        ("nul\x00byte", True, "nulbyte", 1),
        ("bell\x07", False, "bell", 1),
        ("line\r\nbreak", True, "line\nbreak", 0),
        ("line\nbreak", False, "linebreak", 1),
        ("family 👨\u200d👩\u200d👧", True, "family 👨\u200d👩\u200d👧", 0),  # ZWJ kept in text
        ("👨\u200d👩", False, "👨👩", 1),  # …but not in a name
        ("iso\u2066late\u2069", True, "isolate", 2),
        ("tab\there", True, "tab\there", 0),
    ],
)
def test_strip_invisible(raw, multiline, clean, removed):
    assert strip_invisible(raw, multiline=multiline) == (clean, removed)


@given(st.text())
def test_strip_invisible_leaves_no_controls(text):
    clean, removed = strip_invisible(text, multiline=False)
    assert all(ord(ch) >= 32 and ch not in "\u202e\u200b\x7f" for ch in clean)
    assert removed >= 0 and len(clean) <= len(text.replace("\r\n", "\n"))


def test_render_paragraphs_and_line_breaks():
    html = render_comment("one\ntwo\n\nthree")
    assert html == "<p>one<br>two</p><p>three</p>"


def test_render_escapes_markup():
    html = render_comment('<script>alert("x")</script> & <b>bold</b>')
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html


def test_render_autolinks_http_only_and_trims_punctuation():
    html = render_comment("See https://example.org/a?b=1&c=2. And javascript:alert(1)")
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener noreferrer">'
        in html
    )
    assert html.count("<a ") == 1 and "javascript:alert(1)" in html
    assert "</a>." in html


def test_render_link_cannot_break_out_of_attribute():
    html = render_comment('https://x.example/"onmouseover="alert(1)')
    assert 'onmouseover="' not in html


def test_render_www_link_and_long_link_shortened():
    html = render_comment("www.example.org and https://example.org/" + "a" * 100)
    assert 'href="http://www.example.org"' in html
    assert "…</a>" in html


def test_render_parentheses_in_wikipedia_style_links():
    html = render_comment("(see https://en.example.org/wiki/Steppe_(biome))")
    assert 'href="https://en.example.org/wiki/Steppe_(biome)"' in html


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("no links here. Just a sentence.", 0),
        ("https://a.example and http://b.example/x", 2),
        ("buy at cheap-pills.example.com now", 1),
        ("www.a.example, b.example.org/path, c.example.net", 3),
        ("write to me: user@example.org", 0),
        ("numbers 3.14 and e.g. this", 0),
    ],
)
def test_count_links(text, links):
    assert count_links(text) == links


def test_link_hosts():
    assert link_hosts("https://Spam.Example.com/x www.b.example c.example.org/y") == [
        "spam.example.com",
        "www.b.example",
        "c.example.org",
    ]
