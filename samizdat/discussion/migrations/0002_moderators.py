"""Let the Moderators group (created by publishing 0002) moderate comments and the blocklist."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "comment": ["view", "change", "delete"],
    "blockedterm": ["view", "add", "change", "delete"],
    "commentpolicy": ["view", "add", "change"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    codenames = [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]
    moderators.permissions.add(
        *Permission.objects.filter(content_type__app_label="discussion", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="discussion")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0001_initial"),
        ("publishing", "0002_editor_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
