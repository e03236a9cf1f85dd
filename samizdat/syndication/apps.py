from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "samizdat.syndication"
    label = "syndication"
