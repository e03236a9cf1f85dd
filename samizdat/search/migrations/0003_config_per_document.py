"""Each document carries its text-search configuration, taken from the language registry.

Before: the PostgreSQL ``vector`` column chose the configuration by a CASE over language codes
written into the column's definition, so a new language with its own configuration needed a new
migration. Now the column reads the document's ``config`` (a ``regconfig`` on PostgreSQL, plain
text on SQLite where it is unused; ``SearchConfigField``), which indexing fills from ``samizdat.languages``; adding a
language needs no migration. Existing rows get the registry's configuration as it is now.
"""

from django.db import migrations, models

import samizdat.search.models

OLD_CONFIG = (
    "CASE language WHEN 'ru' THEN 'russian'::regconfig WHEN 'en' THEN 'english'::regconfig "
    "ELSE 'simple'::regconfig END"
)


def _vector(config: str) -> str:
    return (
        "ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector({config}, coalesce(title, '')), 'A') || "
        f"setweight(to_tsvector({config}, coalesce(summary, '')), 'B') || "
        f"setweight(to_tsvector({config}, coalesce(body, '')), 'C')) STORED"
    )


GIN = "CREATE INDEX search_document_vector_gin ON search_searchdocument USING GIN (vector)"
DROP = [
    "DROP INDEX IF EXISTS search_document_vector_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
]


def _pg(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def drop_vector(apps, schema_editor):
    if _pg(schema_editor):
        for sql in DROP:
            schema_editor.execute(sql)


def old_vector(apps, schema_editor):
    if _pg(schema_editor):
        schema_editor.execute(_vector(OLD_CONFIG))
        schema_editor.execute(GIN)


def fill_config(apps, schema_editor):
    from samizdat import languages

    SearchDocument = apps.get_model("search", "SearchDocument")
    for code in SearchDocument.objects.values_list("language", flat=True).distinct():
        config = languages.get(code).search_config
        SearchDocument.objects.filter(language=code).update(config=config)
    if _pg(schema_editor):
        schema_editor.execute(_vector("config"))
        schema_editor.execute(GIN)


def unfill_config(apps, schema_editor):
    if _pg(schema_editor):
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_index_structures")]

    operations = [
        migrations.RunPython(drop_vector, old_vector),
        migrations.AlterField(
            model_name="searchdocument",
            name="language",
            field=models.CharField(max_length=10),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="config",
            field=samizdat.search.models.SearchConfigField(
                default="simple", editable=False, max_length=63
            ),
        ),
        migrations.RunPython(fill_config, unfill_config),
    ]
