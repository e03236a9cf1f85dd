"""Signed old versions: kept, served at v/<n>/, verifiable with the stock minisign."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samizdat.authenticity import keys
from samizdat.publishing import lifecycle
from samizdat.publishing.tests.factories import make_statement

from .. import services
from ..models import Revision, SignedVersion

pytestmark = pytest.mark.django_db


def test_old_signed_text_verifies_with_stock_minisign(client, sign, run_minisign, tmp_path):
    statement = sign(make_statement(title="Заявление о земле", body="Первая редакция."))
    url = statement.get_absolute_url()
    saved = client.get(url + "statement.txt").content  # what a reader saved that day
    (tmp_path / "statement.txt").write_bytes(saved)
    with services.revision_context("Уточнена формулировка"):
        lifecycle.revise(statement, body="Вторая редакция.")
    sign(statement)
    with services.revision_context("Исправлена опечатка", is_correction=True):
        lifecycle.revise(statement, body="Третья редакция.")
    sign(statement)
    assert list(SignedVersion.objects.values_list("number", flat=True).order_by("number")) == [
        1,
        2,
        3,
    ]
    current = client.get(url + "statement.txt").content
    assert "Третья".encode() in current and current != saved
    old = client.get(url + "v/1/statement.txt")
    sig = client.get(url + "v/1/statement.txt.minisig")
    assert old.status_code == sig.status_code == 200
    assert old.content == saved
    (tmp_path / "statement.txt.minisig").write_bytes(sig.content)
    pub = tmp_path / "samizdat.pub"
    pub.write_bytes(client.get("/.well-known/samizdat.pub").content)
    result = run_minisign("-V", "-m", "statement.txt", "-p", str(pub), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Signature and comment signature verified" in result.stdout + result.stderr
    # The saved copy does not verify against a later version's signature.
    (tmp_path / "statement.txt.minisig").write_bytes(
        client.get(url + "v/2/statement.txt.minisig").content
    )
    result = run_minisign("-V", "-m", "statement.txt", "-p", str(pub), cwd=tmp_path)
    assert result.returncode != 0
    # The page lists the versions with their notes and the correction.
    page = client.get(url).content.decode()
    assert 'href="v/1/statement.txt"' in page and 'href="v/3/statement.txt.minisig"' in page
    assert "Уточнена формулировка" in page and "Исправлена опечатка" in page
    assert 'class="corrections"' in page


def test_unknown_versions_are_404_never_500(client, sign):
    statement = sign(make_statement())
    url = statement.get_absolute_url()
    for n in ("0", "2", "99", "9" * 30):
        for name in ("statement.txt", "statement.txt.minisig"):
            assert client.get(f"{url}v/{n}/{name}").status_code == 404
    assert client.get(f"{url}v/x/statement.txt").status_code == 404
    assert client.get("/ru/analysis/nope/v/1/statement.txt").status_code == 404


def test_a_re_signature_of_the_same_text_is_no_new_version(sign):
    statement = sign(make_statement())
    sign(statement)
    assert SignedVersion.objects.filter(statement=statement).count() == 1


def test_a_draft_has_no_old_versions_online(client, sign):
    statement = sign(make_statement())
    url = statement.get_absolute_url()
    lifecycle.unpublish(statement)
    assert client.get(url + "v/1/statement.txt").status_code == 404


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_statement_page_queries_do_not_grow_with_revisions(
    client, key_dir, django_assert_num_queries, settings
):
    settings.PAGE_CACHE = False  # the render's queries, not the page cache's one lookup
    keys.generate_site_key(None)
    lonely = make_statement(body="Ни одной правки.")
    Revision.objects.filter(statement=lonely).delete()
    busy = make_statement(body="Правка 0")
    for n in range(1, 50):
        with services.revision_context(f"Правка {n}", is_correction=n % 10 == 0):
            lifecycle.revise(busy, body=f"Правка {n}")
    assert Revision.objects.filter(statement=busy).count() == 50
    assert not Revision.objects.filter(statement=lonely).exists()
    _count(client, lonely.get_absolute_url())  # warm caches (keyring, templates)
    baseline = _count(client, lonely.get_absolute_url())
    assert baseline > 3  # rendered, not a cached copy
    with django_assert_num_queries(baseline):
        page = client.get(busy.get_absolute_url())
    assert "Правка 49" in page.content.decode()


def test_the_mirror_plans_the_signed_versions(sign):
    from samizdat.mirror import plan

    statement = sign(make_statement(body="раз"))
    lifecycle.revise(statement, body="два")
    sign(statement)
    specs = plan.plan(plan.take_snapshot(), plan.discover_routes(), ["ru"]).specs
    url = statement.get_absolute_url()
    for n in (1, 2):
        assert f"{url}v/{n}/statement.txt" in specs
        assert f"{url}v/{n}/statement.txt.minisig" in specs
    assert f"{url}v/3/statement.txt" not in specs


def test_the_mirror_exports_the_signed_versions(sign, tmp_path, client):
    from samizdat.mirror.export import export_mirror

    statement = sign(make_statement(body="раз", slug="raz"))
    first = client.get(statement.get_absolute_url() + "statement.txt.minisig").content
    lifecycle.revise(statement, body="два")
    sign(statement)
    export_mirror(tmp_path / "mirror")
    folder = tmp_path / "mirror" / statement.get_absolute_url().strip("/")
    assert (folder / "v" / "1" / "statement.txt.minisig").read_bytes() == first
    assert "два" not in (folder / "v" / "1" / "statement.txt").read_text(encoding="utf-8")
    assert "два" in (folder / "v" / "2" / "statement.txt").read_text(encoding="utf-8")
