"""PostgreSQL only: our Python analysis agrees with the server's text-search configurations.

This is what lets both backends return the same statements: the SQLite index stores the
lexemes ``analysis.index_lexemes`` makes, PostgreSQL makes its own with ``to_tsvector``.
Run with DATABASE_URL=postgres://127.0.0.1:5432/search_h (skipped on SQLite).
"""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samizdat import languages
from samizdat.search import stopwords
from samizdat.search.analysis import index_lexemes, parse_query
from samizdat.search.backends.postgres import tsquery_text

from .conftest import CORPUS

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: set DATABASE_URL=postgres://… to run")


def _lexize(dictionary: str, word: str) -> list[str] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ts_lexize(%s::regdictionary, %s)", [dictionary, word])
        return cursor.fetchone()[0]


def _tsvector_lexemes(config: str, text: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector(%s::regconfig, %s))", [config, text])
        return set(cursor.fetchone()[0])


def test_stop_word_lists_match_the_server():
    assert all(_lexize("russian_stem", w) == [] for w in stopwords.RUSSIAN)
    assert all(_lexize("english_stem", w) == [] for w in stopwords.ENGLISH)
    assert _lexize("russian_stem", "партия") == ["парт"]


@pytest.mark.parametrize("key", sorted(CORPUS))
def test_lexemes_of_the_corpus_match_to_tsvector(key):
    language, _, title, summary, body, _ = CORPUS[key]
    config = languages.get(language).search_config
    text = f"{title}\n{summary}\n{body.replace('**', '')}"
    assert set(index_lexemes(text, language)) == _tsvector_lexemes(config, text)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=200))
def test_any_input_makes_a_valid_tsquery(text):
    query = parse_query(text)
    if query:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_tsquery('simple', %s)", [tsquery_text(query)])


def test_search_leaves_the_planner_setting_as_it_was(corpus):
    from samizdat.publishing.models import Statement
    from samizdat.search.backends import get_backend

    results = get_backend().search(parse_query("выборы", ("ru",)), Statement.objects.published())
    assert results.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
