from django.apps import AppConfig


class MirrorConfig(AppConfig):
    name = "samizdat.mirror"
    label = "mirror"
