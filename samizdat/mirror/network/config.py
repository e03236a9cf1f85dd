"""``mirrors.toml`` in the data directory: the targets of ``samizdat mirror publish``.

See docs/mirror-network.md for the format. Loading is strict: an unknown key, a missing key, a
wrong type or a URL that is not http(s) is a ``ConfigError`` naming the target and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

FILE_NAME = "mirrors.toml"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")

# kind -> (required keys, optional keys with defaults)
KINDS: dict[str, tuple[tuple[str, ...], dict[str, object]]] = {
    "dir": (("path",), {}),
    "onion": (("path",), {"port": 8080}),
    "ipfs": (("path",), {}),
    "rsync": (("destination",), {"ssh": "", "password_env": ""}),
    "s3": (
        ("bucket",),
        {
            "endpoint": "",
            "region": "us-east-1",
            "prefix": "",
            "access_key_env": "AWS_ACCESS_KEY_ID",
            "secret_key_env": "AWS_SECRET_ACCESS_KEY",
        },
    ),
}
COMMON = {"kind", "url", "enabled"}


class ConfigError(Exception):
    """mirrors.toml is missing or wrong; the message says where."""


@dataclass(frozen=True)
class Target:
    name: str
    kind: str
    url: str
    options: dict = field(default_factory=dict, hash=False, compare=False)

    def option(self, key: str):
        return self.options[key]


@dataclass
class Config:
    path: Path
    export_dir: Path
    base_url: str
    targets: dict[str, Target]

    def select(self, names: list[str] | None) -> list[Target]:
        if not names:
            return list(self.targets.values())
        unknown = [n for n in names if n not in self.targets]
        if unknown:
            known = ", ".join(self.targets) or "none"
            raise ConfigError(
                f"no target named {', '.join(unknown)} in {self.path} (known: {known})"
            )
        return [self.targets[n] for n in names]


def config_path() -> Path:
    return Path(
        getattr(settings, "MIRROR_NETWORK_CONFIG", "") or Path(settings.DATA_DIR) / FILE_NAME
    )


def check_url(value: object, where: str, kind: str = "") -> str:
    """An http(s) URL with a host, no query or fragment; an onion target's host ends .onion."""
    if not isinstance(value, str):
        raise ConfigError(f"{where}: url must be a string such as https://mirror.example.org/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{where}: url {value!r} is not an http(s) URL with a host "
            "(onion services are written http://….onion/)"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(f"{where}: url {value!r} must not carry a query, fragment or password")
    if kind == "onion" and not parts.hostname.endswith(".onion"):
        raise ConfigError(f"{where}: an onion target's url must be http://<address>.onion/")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _target(name: str, table: object, where: str) -> Target:
    if not NAME_RE.match(name):
        raise ConfigError(f"{where}: a target name is 1-40 of a-z, 0-9, '-' and '_', not {name!r}")
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [targets.{name}] must be a table")
    kind = table.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    required, optional = KINDS[kind]
    unknown = set(table) - COMMON - set(required) - set(optional)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) for a {kind} target: {', '.join(sorted(unknown))}"
        )
    if "url" not in table:
        raise ConfigError(f"{where}: url is missing (the mirror's public address)")
    url = check_url(table["url"], where, kind)
    options: dict = {}
    for key in required:
        if key not in table:
            raise ConfigError(f"{where}: {key} is missing for a {kind} target")
        options[key] = table[key]
    for key, default in optional.items():
        options[key] = table.get(key, default)
    for key, value in options.items():
        expected = type(optional.get(key, ""))
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be a {expected.__name__}, not {value!r}")
    if "path" in options:
        if not options["path"]:
            raise ConfigError(f"{where}: path must not be empty")
        options["path"] = Path(options["path"]).expanduser()
    if kind == "onion" and not 0 < options["port"] < 65536:
        raise ConfigError(f"{where}: port must be 1-65535")
    if kind == "rsync" and not options["destination"].endswith("/"):
        options["destination"] += "/"
    if kind == "s3" and options["endpoint"]:
        if urlsplit(options["endpoint"]).scheme not in ("http", "https"):
            raise ConfigError(f"{where}: endpoint {options['endpoint']!r} is not an http(s) URL")
    if "enabled" in table and not isinstance(table["enabled"], bool):
        raise ConfigError(f"{where}: enabled must be true or false")
    return Target(name, kind, url, options)


def parse(text: str, path: Path) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - {"export_dir", "base_url", "targets"}
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    export_dir = data.get("export_dir", str(Path(settings.DATA_DIR) / "mirror"))
    if not isinstance(export_dir, str) or not export_dir:
        raise ConfigError(f"{path}: export_dir must be a path")
    base_url = data.get("base_url", settings.SITE_URL)
    base_url = check_url(base_url, f"{path}: base_url").rstrip("/")
    tables = data.get("targets", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{path}: targets must be tables [targets.NAME]")
    targets = {}
    for name, table in tables.items():
        target = _target(name, table, f"{path} [targets.{name}]")
        if table.get("enabled", True):
            targets[name] = target
    return Config(path, Path(export_dir).expanduser(), base_url, targets)


def load(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"no {path}: write one (docs/mirror-network.md) to configure the mirror targets"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    return parse(text, path)


def replace_url(path: Path, name: str, new_url: str) -> str:
    """Rewrite the ``url = …`` line of ``[targets.NAME]`` in place (comments kept)."""
    text = path.read_text(encoding="utf-8")
    config = parse(text, path)
    if name not in config.targets:
        raise ConfigError(f"no target named {name!r} in {path}")
    url = check_url(new_url, f"--url for {name}", config.targets[name].kind)
    lines = text.splitlines(keepends=True)
    header = re.compile(rf"^\s*\[\s*targets\s*\.\s*\"?{re.escape(name)}\"?\s*\]\s*(#.*)?$")
    url_line = re.compile(r"^(\s*url\s*=\s*)(\"[^\"]*\"|'[^']*')(.*)$", re.S)
    inside = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith("["):
            inside = bool(header.match(line.rstrip("\r\n")))
            continue
        match = url_line.match(line) if inside else None
        if match:
            lines[i] = f'{match.group(1)}"{url}"{match.group(3)}'
            break
    else:
        raise ConfigError(f"{path}: cannot find the url line of [targets.{name}] to rewrite")
    new_text = "".join(lines)
    if parse(new_text, path).targets[name].url != url:  # never write a file that says otherwise
        raise ConfigError(f"{path}: rewriting the url of {name} failed; the file was not changed")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(new_text, encoding="utf-8")
    tmp.replace(path)
    return url
