"""The search page in each language, the header box, pagination and hostile input."""

from urllib.parse import quote

import pytest
from django.test import override_settings

from samizdat.publishing.tests.factories import make_statement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language,heading,placeholder",
    [("ru", "Поиск", "Найти"), ("kk", "Іздеу", "Табу"), ("en", "Search", "Find")],
)
def test_search_page_in_each_language(client, language, heading, placeholder):
    response = client.get(f"/{language}/search/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert f'<form class="search-box" role="search" method="get" action="/{language}/search/">' in (
        html
    )
    assert f">{placeholder}</button>" in html
    assert 'name="robots" content="noindex, follow"' in html


def test_header_box_on_the_home_page(client):
    html = client.get("/kk/").content.decode()
    assert 'action="/kk/search/"' in html and 'name="q"' in html
    assert '<label for="header-q"' in html


def test_results_page_shows_marked_hits(client, corpus):
    response = client.get("/ru/search/", {"q": "запрещение партии"})
    html = response.content.decode()
    assert response.status_code == 200
    assert corpus["ru_ban"].get_absolute_url() in html
    assert "<mark>запретили</mark> <mark>партию</mark>" in html
    assert "Найдено: 1 заявление по запросу «запрещение партии»." in html
    assert corpus["ru_draft"].get_absolute_url() not in html


def test_default_language_is_the_page_language_and_all_can_be_chosen(client, corpus):
    en_url = corpus["en_ban"].get_absolute_url()
    assert en_url not in client.get("/ru/search/", {"q": "banned"}).content.decode()
    html = client.get("/ru/search/", {"q": "banned", "lang": "all"}).content.decode()
    assert en_url in html and "English" in html
    empty = client.get("/ru/search/", {"q": "banned"}).content.decode()
    assert "?q=banned&amp;lang=all" in empty  # the "search in all languages" link


def test_section_filter(client, corpus):
    html = client.get("/ru/search/", {"q": "власти", "section": "analysis"}).content.decode()
    assert corpus["ru_prohibition"].get_absolute_url() in html
    assert corpus["ru_ban"].get_absolute_url() not in html


@override_settings(STATEMENTS_PER_PAGE=2)
def test_pagination_keeps_the_query(client, corpus):
    for i in range(3):
        make_statement(title=f"Выборы в округе {i}", language="ru", slug=f"vybory-{i}")
    first = client.get("/ru/search/", {"q": "выборы"}).content.decode()
    assert 'rel="next" href="?q=%D0%B2%D1%8B%D0%B1%D0%BE%D1%80%D1%8B&amp;lang=ru&amp;page=2"' in (
        first
    )
    second = client.get("/ru/search/", {"q": "выборы", "page": "2"}).content.decode()
    assert 'rel="prev"' in second and "Страница 2 из 2" in second
    last = client.get("/ru/search/", {"q": "выборы", "page": "999"}).content.decode()
    assert "Страница 2 из 2" in last


BAD_QUERIES = [
    {"q": ""},
    {"q": "   "},
    {"q": "?!…—«»"},
    {"q": '"'},
    {"q": "*"},
    {"q": "NEAR"},
    {"q": "AND"},
    {"q": "("},
    {"q": '"партия* NEAR(выборы, 2) AND (OR NOT'},
    {"q": "партия:* & !выборы | 'x'"},
    {"q": "x" * 10_000},
    {"q": "запрет " * 2000},
    {"q": "\x01\x02 партия"},
    {"q": "<script>alert(1)</script>"},
    {"q": "партия", "lang": "xx"},
    {"q": "партия", "lang": "all"},
    {"q": "партия", "lang": ""},
    {"q": "партия", "lang": "\x1b[31m"},
    {"q": "партия", "section": "no-such-section"},
    {"q": "партия", "section": "'; DROP TABLE x; --"},
    {"q": "партия", "section": "s" * 5000},
    {"q": "партия", "page": "abc"},
    {"q": "партия", "page": "-1"},
    {"q": "партия", "page": "9" * 5000},
    {"q": "the and в и"},
]


@pytest.mark.parametrize("params", BAD_QUERIES, ids=lambda p: repr(p)[:40])
def test_bad_input_gives_a_sensible_page(client, corpus, params):
    response = client.get("/ru/search/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<h1>Поиск</h1>" in html


def test_bad_input_explains_itself_in_the_page_language(client, corpus):
    html = client.get("/kk/search/", {"q": "партия", "lang": "xx", "section": "nope"}).content
    html = html.decode()
    assert "Мұндай тіл сүзгісі жоқ" in html and "Мұндай бөлім жоқ" in html
    html = client.get("/en/search/", {"q": "x" * 10_000}).content.decode()
    assert "shortened to its first 200 characters" in html
    html = client.get("/ru/search/", {"q": "?!*"}).content.decode()
    assert "нет слов, по которым можно искать" in html


def test_raw_query_string_with_percent_garbage(client, corpus):
    for raw in ("q=%FF%FE", "q=%01", "q=" + quote("партия") + "&q=&q=*", "lang[]=ru&q=партия"):
        assert client.get("/ru/search/?" + raw).status_code == 200
    # NUL bytes are refused before any view by the core middleware: a clean 400 page.
    assert client.get("/ru/search/?q=%00").status_code == 400
