"""Vendor-specific index structures; a no-op on the other database.

SQLite: the FTS5 table ``search_fts`` (lexemes of title, summary, body; rowid = statement id).
PostgreSQL: a generated, weighted ``tsvector`` column ``vector`` on search_searchdocument in the
statement's configuration (russian / english / simple) and a GIN index on it.
The SQL is written out here (not imported) so this migration never changes.
"""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, summary, body, tokenize = 'unicode61 remove_diacritics 0', prefix = '3 5')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS search_fts"

CONFIG = (
    "CASE language WHEN 'ru' THEN 'russian'::regconfig WHEN 'en' THEN 'english'::regconfig "
    "ELSE 'simple'::regconfig END"
)
PG_CREATE = [
    "ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({CONFIG}, coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector({CONFIG}, coalesce(summary, '')), 'B') || "
    f"setweight(to_tsvector({CONFIG}, coalesce(body, '')), 'C')) STORED",
    "CREATE INDEX search_document_vector_gin ON search_searchdocument USING GIN (vector)",
]
PG_DROP = [
    "DROP INDEX IF EXISTS search_document_vector_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for sql in PG_CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        for sql in PG_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_documents")]

    operations = [
        migrations.RunPython(create, drop),
    ]
