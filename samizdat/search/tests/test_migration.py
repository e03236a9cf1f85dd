"""Migration 0003: existing index rows get their language's configuration from the registry."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from samizdat.publishing.models import Statement
from samizdat.publishing.tests.factories import make_statement
from samizdat.search.analysis import parse_query
from samizdat.search.backends import get_backend
from samizdat.search.models import SearchDocument


@pytest.mark.django_db(transaction=True)
def test_existing_documents_get_their_configuration_and_stay_searchable():
    ru = make_statement(title="Запрещение митингов", language="ru")
    kk = make_statement(title="Сайлау нәтижелері", language="kk")
    executor = MigrationExecutor(connection)
    before, after = [("search", "0002_index_structures")], [("search", "0003_config_per_document")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("search", "SearchDocument")
    assert set(old.objects.values_list("statement_id", flat=True)) == {ru.pk, kk.pk}
    executor.loader.build_graph()
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    configs = dict(SearchDocument.objects.values_list("statement_id", "config"))
    assert configs == {ru.pk: "russian", kk.pk: "simple"}
    found = get_backend().search(parse_query("запрещение", ("ru",)), Statement.objects.published())
    assert found.count() == 1
