from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "samizdat.publishing"
    label = "publishing"
