from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                ("scope", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("version", models.PositiveBigIntegerField(default=0)),
                ("changed", models.BigIntegerField(default=0)),
                ("next_change", models.BigIntegerField(blank=True, null=True)),
            ],
            options={"verbose_name": "content version"},
        ),
    ]
