"""The canonical text: exact bytes for an example, and each normalisation rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from samizdat.authenticity.canonical import (
    canonical_bytes,
    canonical_text,
    normalise_body,
    one_line,
)
from samizdat.publishing.tests.factories import make_section

WHEN = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def _example(make_statement):
    return make_statement(
        title="О запрете партии",
        issuer="Политический совет движения «Ашық Дала»",
        language="ru",
        section=make_section("statements", name_ru="Заявления"),
        published_at=WHEN,
        body="Мы не признаём этого решения.  \r\n\r\n## Что делать\r\n\r\n- писать нам\r\n",
    )


def test_example_from_the_documentation(make_statement):
    statement = _example(make_statement)
    assert (
        canonical_bytes(statement)
        == (
            "Title: О запрете партии\n"
            "Issuer: Политический совет движения «Ашық Дала»\n"
            "Language: ru\n"
            "Date: 2026-03-01T09:30:15Z\n"
            "Section: Заявления\n"
            "\n"
            "Мы не признаём этого решения.\n"
            "\n"
            "## Что делать\n"
            "\n"
            "- писать нам\n"
        ).encode()
    )


def test_the_documented_example_is_in_the_docs(make_statement):
    from pathlib import Path

    docs = Path(__file__).resolve().parents[3] / "docs" / "signed-statements.md"
    assert canonical_text(_example(make_statement)) in docs.read_text(encoding="utf-8")


def test_newlines_trailing_whitespace_and_blank_edges(make_statement):
    statement = make_statement(
        title="  Two\r\nline  title ",
        issuer="",
        published_at=WHEN,
        body="\r\n\r\n  first line  \r\nsecond\t\rthird\u2028fourth\n\n\n",
    )
    assert canonical_text(statement).split("\n") == [
        "Title: Two line  title",
        "Issuer:",
        "Language: ru",
        "Date: 2026-03-01T09:30:15Z",
        "Section: Анализ",
        "",
        "  first line",
        "second",
        "third",
        "fourth",
        "",
    ]


def test_nfc_and_date_in_utc(make_statement):
    almaty = timezone(timedelta(hours=5))
    statement = make_statement(
        title="Caf\u0065\u0301",
        issuer="Наи\u0306ман",  # й typed as и + combining breve
        published_at=datetime(2026, 3, 1, 14, 30, tzinfo=almaty),
    )
    text = canonical_text(statement)
    assert "Title: Caf\u00e9\n" in text
    assert "Issuer: Найман\n" in text
    assert "Date: 2026-03-01T09:30:00Z\n" in text


def test_empty_body_and_language_and_section_name(make_statement):
    section = make_section("news", name_ru="Новости", name_kk="Жаңалықтар", name_en="News")
    statement = make_statement(language="kk", section=section, body="   \n\t\n", published_at=WHEN)
    text = canonical_text(statement)
    assert text.endswith("Language: kk\nDate: 2026-03-01T09:30:15Z\nSection: Жаңалықтар\n\n")


def test_same_statement_same_bytes_and_any_field_change_changes_them(make_statement):
    statement = make_statement(published_at=WHEN)
    before = canonical_bytes(statement)
    assert canonical_bytes(statement) == before
    for field, value in [
        ("title", "Другое"),
        ("issuer", "Другой"),
        ("body", "Иной текст"),
        ("published_at", WHEN + timedelta(seconds=1)),
    ]:
        original = getattr(statement, field)
        setattr(statement, field, value)
        assert canonical_bytes(statement) != before, field
        setattr(statement, field, original)
    assert canonical_bytes(statement) == before


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
@settings(max_examples=300, deadline=None)
def test_normalisation_properties(value):
    body = normalise_body(value)
    assert "\r" not in body and body == normalise_body(body)
    assert all(line == line.rstrip(" \t") for line in body.split("\n"))
    assert not body.startswith("\n") and not body.endswith("\n")
    line = one_line(value)
    assert len(line.splitlines()) <= 1 and line == line.strip(" \t") and one_line(line) == line
