"""The published files, the statement page's signature block and the footer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samizdat.authenticity import keys
from samizdat.authenticity.minisign import PublicKey, Signature
from samizdat.publishing.models import Statement

PLAIN = "text/plain; charset=utf-8"


def test_public_key_is_served_byte_for_byte(client, site_key):
    response = client.get("/.well-known/samizdat.pub")
    assert response.status_code == 200 and response["Content-Type"] == PLAIN
    assert response.content == keys.public_key_path().read_bytes()
    assert PublicKey.from_file(response.content).id == site_key.id


def test_no_key_no_public_key_file(client, key_dir):
    assert client.get("/.well-known/samizdat.pub").status_code == 404


def test_text_and_signature_are_served_and_verify(client, site_key, make_statement, sign):
    statement = sign(make_statement(title="Проверка"))
    url = statement.get_absolute_url()
    text = client.get(url + "statement.txt")
    sig = client.get(url + "statement.txt.minisig")
    assert text.status_code == sig.status_code == 200
    assert text["Content-Type"] == sig["Content-Type"] == PLAIN
    assert text.content.startswith("Title: Проверка\n".encode())
    comment = site_key.key.verify(text.content, Signature.from_file(sig.content))
    assert f"url:http://testserver{url}" in comment


def test_hidden_statements_have_no_files(client, site_key, make_statement):
    draft = make_statement(status=Statement.Status.DRAFT)
    future = make_statement(
        status=Statement.Status.SCHEDULED, published_at=timezone.now() + timedelta(days=1)
    )
    for statement in (draft, future):
        for name in ("statement.txt", "statement.txt.minisig"):
            assert client.get(statement.get_absolute_url() + name).status_code == 404
    for url in (
        "/ru/analysis/nope/statement.txt",
        "/ru/nosection/x/statement.txt.minisig",
        "/ru/analysis/" + "x" * 300 + "/statement.txt",
        "/en/analysis/" + draft.slug + "/statement.txt",
    ):
        assert client.get(url).status_code == 404


def test_unsigned_statement_has_text_but_no_signature(client, key_dir, make_statement):
    statement = make_statement()
    url = statement.get_absolute_url()
    assert client.get(url + "statement.txt").status_code == 200
    assert client.get(url + "statement.txt.minisig").status_code == 404
    page = client.get(url).content.decode()
    assert "statement.txt.minisig" not in page


@pytest.mark.parametrize(
    "language, phrase",
    [("ru", "Подписано ключом"), ("kk", "кілтімен қол қойылған"), ("en", "Signed by key")],
)
def test_statement_page_shows_signature_with_relative_links(
    client, site_key, make_statement, sign, language, phrase
):
    statement = sign(make_statement(language=language))
    html = client.get(statement.get_absolute_url()).content.decode()
    assert phrase in html and f"<code>{site_key.id}</code>" in html
    assert 'href="statement.txt"' in html and 'href="statement.txt.minisig"' in html
    assert f"minisign -Vm statement.txt -P {site_key.base64}" in html
    assert 'href="/.well-known/samizdat.pub"' in html


@pytest.mark.parametrize(
    "language, phrase",
    [
        ("ru", "было изменено после того, как его подписали"),
        ("kk", "қол қойылғаннан кейін өзгертілді"),
        ("en", "was changed after it was signed"),
    ],
)
def test_an_edited_statement_says_stale_and_serves_no_mismatching_pair(
    client, site_key, make_statement, sign, language, phrase
):
    statement = sign(make_statement(language=language))
    url = statement.get_absolute_url()
    signed_text = client.get(url + "statement.txt").content
    statement.body = "Edited after signing."
    statement.save()
    html = client.get(url).content.decode()
    assert phrase in html and "statement.txt.minisig" not in html
    assert client.get(url + "statement.txt.minisig").status_code == 404
    text = client.get(url + "statement.txt").content
    assert text != signed_text and b"Edited after signing." in text  # not the old text
    Statement.objects.filter(pk=statement.pk).update(title="Changed behind our back")
    assert client.get(url + "statement.txt.minisig").status_code == 404


def test_footer_shows_key_id_and_demo_marker(client, key_dir, make_statement):
    make_statement()
    assert "minisign" not in client.get("/en/").content.decode()
    key = keys.generate_site_key(None, demo=True)
    html = client.get("/en/").content.decode()
    assert f"<code>{key.id}</code>" in html and "demo key" in html
    assert 'href="/.well-known/samizdat.pub"' in html
    ru = client.get("/ru/").content.decode()
    assert "Заявления подписываются ключом minisign" in ru and "демонстрационный" in ru


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_signature_block_costs_at_most_one_query(client, key_dir, make_statement):
    unsigned = make_statement()
    client.get("/ru/")  # warm the navigation cache
    before = _queries(client, unsigned.get_absolute_url())
    keys.generate_site_key(None)
    from samizdat.authenticity import signing

    key = keys.load_secret_key("")
    signed, *others = [make_statement() for _ in range(4)]
    signing.sign_all(key, [signed, *others])
    client.get("/ru/")  # the navigation is cached per content version: warm it again
    after = _queries(client, signed.get_absolute_url())
    assert after <= before + 1
    assert all(_queries(client, s.get_absolute_url()) == after for s in others)
    assert _queries(client, "/ru/") == _queries(client, "/ru/")  # footer: no query
