"""Section names in one JSON field keyed by language code; language codes up to 10 characters
with choices from the registry (no migration when a language is added); ``announced_at``.

Existing section names move from name_ru/name_kk/name_en into ``names``; statements that are
public now count as announced, so the periodic job does not announce them again.
"""

from django.db import migrations, models
from django.db.models import F

import samizdat.languages

OLD_NAME_FIELDS = {"ru": "name_ru", "kk": "name_kk", "en": "name_en"}


def names_forward(apps, schema_editor):
    Section = apps.get_model("publishing", "Section")
    for section in Section.objects.all():
        section.names = {
            code: getattr(section, field)
            for code, field in OLD_NAME_FIELDS.items()
            if getattr(section, field)
        }
        section.save(update_fields=["names"])


def names_backward(apps, schema_editor):
    Section = apps.get_model("publishing", "Section")
    for section in Section.objects.all():
        names = section.names or {}
        fallback = next((n for n in names.values() if n), section.slug)
        for code, field in OLD_NAME_FIELDS.items():
            setattr(section, field, names.get(code) or fallback)
        section.save(update_fields=list(OLD_NAME_FIELDS.values()))


def announce_public(apps, schema_editor):
    from django.utils import timezone

    Statement = apps.get_model("publishing", "Statement")
    Statement.objects.filter(
        status__in=["published", "scheduled"], published_at__lte=timezone.now()
    ).update(announced_at=F("published_at"))


class Migration(migrations.Migration):
    dependencies = [("publishing", "0002_editor_groups")]

    operations = [
        migrations.AddField(
            model_name="section",
            name="names",
            field=models.JSONField(blank=True, default=dict, verbose_name="names"),
        ),
        migrations.RunPython(names_forward, names_backward),
        migrations.RemoveField(model_name="section", name="name_ru"),
        migrations.RemoveField(model_name="section", name="name_kk"),
        migrations.RemoveField(model_name="section", name="name_en"),
        migrations.AlterField(
            model_name="statement",
            name="language",
            field=models.CharField(
                choices=samizdat.languages.choices, max_length=10, verbose_name="language"
            ),
        ),
        migrations.AlterField(
            model_name="page",
            name="language",
            field=models.CharField(
                choices=samizdat.languages.choices, max_length=10, verbose_name="language"
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="announced_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(announce_public, migrations.RunPython.noop),
    ]
