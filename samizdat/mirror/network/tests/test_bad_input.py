"""Failing targets: each is named, the others are published, nothing half-switched."""

from __future__ import annotations

import json
import subprocess

import pytest

from samizdat.mirror.network.publish import publish
from samizdat.mirror.network.signedlist import LIST_REL, MANIFEST_REL
from samizdat.mirror.network.verify import verify_mirror

from .conftest import free_port


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs: a real full disk (needs root, as CI and this machine have)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.django_db(transaction=True)
def test_failures_are_reported_and_do_not_stop_the_others(
    small_site, write_config, tmp_path, tiny_disk, s3_server
):
    endpoint, _client = s3_server
    write_config(
        f"""
[targets.usb]
kind = "dir"
url = "https://usb.example/"
path = "{tmp_path / "usb"}"

[targets.full]
kind = "dir"
url = "https://full.example/"
path = "{tiny_disk / "www"}"

[targets.nowhere]
kind = "s3"
url = "https://nowhere.example/"
bucket = "mirror"
endpoint = "http://127.0.0.1:{free_port()}"

[targets.nobucket]
kind = "s3"
url = "https://nobucket.example/"
bucket = "missing"
endpoint = "{endpoint}"

[targets.car]
kind = "ipfs"
url = "https://car.example/"
path = "{tmp_path / "ipfs"}"

[targets.hidden]
kind = "onion"
url = "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvw.onion/"
path = "{tmp_path / "onion"}"
"""
    )
    result = publish(quiet=True)
    errors = {r.name: r.error for r in result.reports}
    assert "disk under" in errors["full"] and "is full" in errors["full"]
    assert "cannot reach" in errors["nowhere"]
    assert "does not exist" in errors["nobucket"]
    assert not errors["usb"] and not errors["car"] and not errors["hidden"]
    # the full target never got its entry points: readers still see the old (here: no) mirror
    assert not (tiny_disk / "www" / "index.html").exists()
    assert not (tiny_disk / "www" / LIST_REL).exists()
    for good in (tmp_path / "usb", tmp_path / "onion"):
        assert verify_mirror(str(good)).ok
    listed = {
        m["name"]: m for m in json.loads((tmp_path / "usb" / LIST_REL).read_text())["mirrors"]
    }
    assert listed["usb"]["published_at"] and listed["full"]["published_at"] is None
    cid = (tmp_path / "ipfs" / "root-cid.txt").read_text().strip()
    assert listed["car"]["cid"] == cid and (tmp_path / "ipfs" / "dnslink.txt").read_text() == (
        f"dnslink=/ipfs/{cid}\n"
    )
    torrc = (tmp_path / "data" / "mirror-network" / "onion-hidden" / "torrc").read_text()
    assert "HiddenServicePort 80 127.0.0.1:8080" in torrc
    assert (tmp_path / "usb" / MANIFEST_REL).exists()
