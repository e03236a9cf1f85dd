from django.apps import AppConfig


class CachingConfig(AppConfig):
    """Content versions behind the ETag and Last-Modified of public URLs (docs/http.md)."""

    name = "samizdat.caching"
    label = "caching"

    def ready(self) -> None:
        from . import signals

        signals.connect()
