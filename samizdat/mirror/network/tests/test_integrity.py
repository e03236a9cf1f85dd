"""Signed files checked by stock minisign; verify names altered/missing/extra files; refusals."""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import threading

import pytest
from django.core.management import CommandError, call_command

from samizdat.authenticity import keys, minisign
from samizdat.mirror.network import signedlist
from samizdat.mirror.network.publish import PublishError, publish
from samizdat.mirror.network.signedlist import LIST_REL, MANIFEST_REL, SignedFileError
from samizdat.mirror.network.verify import verify_mirror

from .conftest import tool

USB = """
[targets.usb]
kind = "dir"
url = "https://usb.example/"
path = "{path}"
"""


@pytest.fixture
def published(small_site, write_config, tmp_path):
    write_config(USB.format(path=tmp_path / "usb"))
    result = publish(quiet=True)
    assert not result.failed, result.reports
    return tmp_path / "usb"


@pytest.fixture
def http_mirror(published):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(published))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db(transaction=True)
def test_stock_minisign_verifies_the_list_and_manifest(published):
    binary = tool("minisign", "apt-get install minisign")
    key = keys.site_public_key()
    for rel in (LIST_REL, MANIFEST_REL):
        done = subprocess.run(
            [binary, "-V", "-m", str(published / rel), "-P", key.base64],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "samizdat" in done.stdout  # the trusted comment
    data = (published / LIST_REL).read_bytes()
    (published / LIST_REL).write_bytes(data.replace(b"usb.example", b"usb.examp1e"))
    done = subprocess.run(
        [binary, "-V", "-m", str(published / LIST_REL), "-P", key.base64], capture_output=True
    )
    assert done.returncode != 0


@pytest.mark.django_db(transaction=True)
def test_verify_names_one_altered_byte_over_http(published, http_mirror, tmp_path):
    assert verify_mirror(http_mirror).ok
    page = published / "ru" / "index.html"
    data = bytearray(page.read_bytes())
    data[len(data) // 2] ^= 1
    page.write_bytes(bytes(data))
    (published / "en" / "index.html").unlink()
    report = verify_mirror(http_mirror)
    assert report.altered == ["ru/index.html"] and report.missing == ["en/index.html"]
    (published / "fake.html").write_text("<p>forged</p>")
    local = verify_mirror(str(published))
    assert local.extra == ["fake.html"] and local.altered == ["ru/index.html"]
    with pytest.raises(CommandError, match="1 missing, 1 altered, 1 extra"):
        call_command("mirror", "verify", str(published))


@pytest.mark.django_db(transaction=True)
def test_verify_refuses_tampered_list_and_foreign_manifest(published, tmp_path):
    data = json.loads((published / LIST_REL).read_text())
    data["mirrors"][0]["url"] = "https://clone.example/"
    (published / LIST_REL).write_bytes(signedlist.canonical(data))
    with pytest.raises(SignedFileError, match="altered"):
        verify_mirror(str(published))
    with pytest.raises(CommandError, match="refused"):
        call_command("mirror", "verify", str(published))

    # a clone re-signs everything with its own key: refused for the site's key
    other = minisign.SecretKey.generate()
    body = (published / MANIFEST_REL).read_bytes()
    (published / (MANIFEST_REL + ".minisig")).write_bytes(other.sign(body, "forged").to_file())
    with pytest.raises(SignedFileError, match="another key"):
        verify_mirror(str(published))
    # … and checks with --key of the clone's key only if the reader trusts that key
    pub = tmp_path / "other.pub"
    pub.write_bytes(other.public_key().to_file())
    with pytest.raises(CommandError, match="another key"):
        call_command("mirror", "verify", str(published), "--key", str(keys.public_key_path()))


@pytest.mark.django_db(transaction=True)
def test_publish_refuses_a_tampered_stored_list(published):
    path = signedlist.list_path()
    path.write_bytes(path.read_bytes().replace(b"usb.example", b"evil.example"))
    with pytest.raises(PublishError, match="altered"):
        publish(quiet=True)


@pytest.mark.django_db(transaction=True)
def test_rotate_replaces_the_url_and_resigns(published, data_dir):
    call_command("mirror", "rotate", "usb", "--url", "https://usb2.example/")
    assert 'url = "https://usb2.example/"' in (data_dir / "mirrors.toml").read_text()
    signed = signedlist.stored_list()
    assert signed.data["mirrors"][0]["url"] == "https://usb2.example/"
    assert signed.data["mirrors"][0]["published_at"]  # the facts are kept
    with pytest.raises(CommandError, match="not an http"):
        call_command("mirror", "rotate", "usb", "--url", "ftp://usb3.example/")
    assert signedlist.stored_list().data["mirrors"][0]["url"] == "https://usb2.example/"


@pytest.mark.django_db(transaction=True)
def test_live_site_serves_the_list_and_the_page(published, client):
    signed = signedlist.stored_list()
    response = client.get("/.well-known/samizdat-mirrors.json")
    assert response.status_code == 200 and response.content == signed.body
    assert client.get("/.well-known/samizdat-mirrors.json.minisig").content == signed.signature
    for lang in ("ru", "kk", "en"):
        page = client.get(f"/{lang}/mirrors/")
        assert page.status_code == 200
        assert b"https://usb.example/" in page.content
        assert keys.site_public_key().base64.encode() in page.content
    home = client.get("/en/")
    assert b'href="/en/mirrors/"' in home.content  # the footer link
    # every mirror's pages link the list too (relative links in the static copy)
    assert b'mirrors/index.html"' in (published / "en" / "index.html").read_bytes()
    assert (published / "en" / "mirrors" / "index.html").exists()
    signedlist.list_path().write_bytes(signed.body.replace(b"usb", b"bad"))
    assert client.get("/.well-known/samizdat-mirrors.json").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_page_is_translated(published, client):
    assert "Где нас читать".encode() in client.get("/ru/mirrors/").content
    assert "Бізді қайдан оқуға болады".encode() in client.get("/kk/mirrors/").content
    assert b"Where to read us" in client.get("/en/mirrors/").content
    assert "Где нас читать".encode() in (published / "ru" / "mirrors" / "index.html").read_bytes()
