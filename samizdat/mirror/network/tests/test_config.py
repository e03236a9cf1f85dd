"""mirrors.toml: strict validation with clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from samizdat.mirror.network.config import ConfigError, parse, replace_url

P = Path("mirrors.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[targets.a]\nkind = "dir"\nurl = "ftp://x.example/"\npath = "/tmp/x"', "not an http"),
        ('[targets.a]\nkind = "dir"\nurl = "javascript:alert(1)"\npath = "/tmp/x"', "not an http"),
        ('[targets.a]\nkind = "onion"\nurl = "http://x.example/"\npath = "/tmp/x"', ".onion"),
        ('[targets.a]\nkind = "ftp"\nurl = "https://x.example/"', "kind must be one of"),
        ('[targets.a]\nkind = "dir"\nurl = "https://x.example/"', "path is missing"),
        ('[targets.a]\nkind = "dir"\nurl = "https://x.example/"\npath = "/x"\nbuket = 1', "buket"),
        ('[targets.a]\nkind = "s3"\nurl = "https://x.example/"\nbucket = 5', "must be a str"),
        ('[targets.A]\nkind = "dir"\nurl = "https://x.example/"\npath = "/x"', "target name"),
        ("[targets.a\n", "not valid TOML"),
        ("bogus = 1", "unknown top-level"),
    ],
)
def test_bad_config_is_a_clear_error(settings, text, message):
    settings.SITE_URL = "https://site.example"
    with pytest.raises(ConfigError, match=message):
        parse(text, P)


def test_good_config(settings):
    settings.SITE_URL = "https://site.example"
    cfg = parse(
        '[targets.t]\nkind = "onion"\nurl = "http://abc.onion"\npath = "/srv/o"\n'
        '[targets.off]\nkind = "dir"\nurl = "https://o.example/"\npath = "/x"\nenabled = false\n',
        P,
    )
    assert list(cfg.targets) == ["t"] and cfg.targets["t"].url == "http://abc.onion/"
    assert cfg.targets["t"].option("port") == 8080


def test_replace_url_keeps_comments(tmp_path, settings):
    settings.SITE_URL = "https://site.example"
    path = tmp_path / "mirrors.toml"
    path.write_text(
        '# mine\n[targets.a]\nkind = "dir"\nurl = "https://a.example/" # blocked\npath = "/x"\n'
        '[targets.b]\nkind = "dir"\nurl = "https://b.example/"\npath = "/y"\n'
    )
    assert replace_url(path, "b", "https://b2.example") == "https://b2.example/"
    text = path.read_text()
    assert 'url = "https://a.example/" # blocked' in text and "https://b2.example/" in text
