"""Strict parsers for environment values (samizdat/settings.py is their one caller).

Each takes the variable's name, so a malformed value stops start-up with an
``ImproperlyConfigured`` naming it; nothing silently falls back to a default. An unset or
empty variable means "use the default" (an ``EnvironmentFile`` line ``NAME=`` is unset).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class Env:
    """Typed, strict access to one environment mapping (``os.environ`` unless told)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is None or not value.strip():
            return None
        return value.strip()

    @staticmethod
    def fail(name: str, value: str, expected: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"{name}={value!r} is not valid: expected {expected}.")

    def str(self, name: str, default: str = "") -> str:
        value = self.environ.get(name)
        return default if value is None or value == "" else value

    def bool(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        if value.lower() in TRUE:
            return True
        if value.lower() in FALSE:
            return False
        raise self.fail(name, value, "one of 1/0, true/false, yes/no, on/off")

    def int(self, name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            number = None
        bounds = f"a whole number ≥ {minimum}" + (f" and ≤ {maximum}" if maximum else "")
        if number is None or number < minimum or (maximum is not None and number > maximum):
            raise self.fail(name, value, bounds)
        return number

    def number(self, name: str, default: float, minimum: float) -> float:
        """A decimal number ≥ ``minimum`` (seconds, for instance)."""
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or not number >= minimum:  # also refuses nan
            raise self.fail(name, value, f"a number ≥ {minimum}")
        return number

    def rate(self, name: str, default: str) -> str:
        """A rate ``count/seconds`` with both parts ≥ 1, e.g. ``5/600``."""
        value = self._raw(name) or default
        limit, _, window = value.partition("/")
        if not (limit.isdigit() and window.isdigit() and int(limit) >= 1 and int(window) >= 1):
            raise self.fail(name, value, "count/seconds with both ≥ 1, e.g. 5/600")
        return f"{int(limit)}/{int(window)}"

    def choice(self, name: str, default: str, choices: set[str]) -> str:
        value = self._raw(name) or default
        if value not in choices:
            raise self.fail(name, value, "one of " + ", ".join(sorted(choices)))
        return value

    def url(self, name: str, default: str) -> str:
        """An absolute http(s) URL without a trailing slash ("" stays "")."""
        from urllib.parse import urlsplit

        value = self._raw(name) or default
        if not value:
            return ""
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 (raises on a bad port)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
            raise self.fail(name, value, "an absolute URL such as https://example.org")
        return value.rstrip("/")

    def time_zone(self, name: str, default: str) -> str:
        import zoneinfo

        value = self._raw(name) or default
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise self.fail(name, value, "a time zone name such as Asia/Almaty") from exc
        return value

    def list(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default)
        return [part.strip() for part in value.split(",") if part.strip()]

    def database(self, name: str, default: str) -> dict:
        """A ``sqlite:///path`` or ``postgres://…/name`` URL, parsed by dj-database-url."""
        import dj_database_url

        value = self._raw(name) or default
        expected = "sqlite:///PATH or postgres://USER:PASSWORD@HOST:PORT/NAME"
        if not value.startswith(("sqlite://", "postgres://", "postgresql://")):
            raise self.fail(name, value, expected)
        try:
            config = dj_database_url.parse(value)
        except (ValueError, dj_database_url.ParseError) as exc:
            raise self.fail(name, value, expected) from exc
        if not config.get("NAME"):
            raise self.fail(name, value, expected + " (the database name is missing)")
        return config

    def cache_url(self, name: str) -> str:
        value = self._raw(name) or ""
        if value and not value.startswith(("redis://", "rediss://", "unix://", "locmem://")):
            raise self.fail(name, value, "empty (file cache), redis://HOST:PORT/DB or locmem://")
        return value

    def addresses(self, name: str, default: str) -> str:
        """Comma-separated IP addresses or networks, or ``*`` (gunicorn's forwarded-allow-ips)."""
        value = self._raw(name) or default
        if value != "*":
            for part in value.split(","):
                try:
                    ipaddress.ip_network(part.strip(), strict=False)
                except ValueError as exc:
                    raise self.fail(name, value, "addresses such as 127.0.0.1,::1, or *") from exc
        return value

    def proxies(self, name: str) -> int | list[str]:
        """Trusted proxies: a count of proxies in front (``1`` for nginx alone) or a
        comma-separated list of networks (``127.0.0.1/32,10.0.0.0/8``); unset is ``0``."""
        value = self._raw(name)
        if value is None:
            return 0
        if value.isdigit():
            return int(value)
        networks = []
        for part in value.split(","):
            try:
                networks.append(str(ipaddress.ip_network(part.strip(), strict=False)))
            except ValueError as exc:
                raise self.fail(
                    name, value, "a count (e.g. 1) or networks (e.g. 127.0.0.1/32,10.0.0.0/8)"
                ) from exc
        return networks
