"""``samizdat mirror publish`` against a dir target, an rsync daemon and moto's S3 server."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from samizdat.mirror.network.publish import publish
from samizdat.mirror.network.signedlist import LIST_REL, MANIFEST_REL
from samizdat.mirror.network.verify import verify_mirror


def three_targets(tmp_path, rsync_url, endpoint) -> str:
    return f"""
[targets.usb]
kind = "dir"
url = "https://usb.example/"
path = "{tmp_path / "usb"}"

[targets.backup]
kind = "rsync"
url = "https://backup.example/"
destination = "{rsync_url}"

[targets.cdn]
kind = "s3"
url = "https://cdn.example/"
bucket = "mirror"
endpoint = "{endpoint}"
"""


@pytest.mark.django_db(transaction=True)
def test_three_targets_then_only_changes_travel(
    small_site, write_config, tmp_path, rsync_daemon, s3_server
):
    rsync_url, rsync_root = rsync_daemon
    endpoint, s3 = s3_server
    write_config(three_targets(tmp_path, rsync_url, endpoint))
    first = publish(quiet=True)
    assert not first.failed, [r.error for r in first.reports]
    by_name = {r.name: r for r in first.reports}
    assert by_name["usb"].files > 10 and by_name["cdn"].files == by_name["usb"].files
    for copy in (tmp_path / "usb", rsync_root):
        report = verify_mirror(str(copy))
        assert report.ok and report.list_checked, (copy, report)
    objects = {o["Key"] for o in s3.list_objects_v2(Bucket="mirror")["Contents"]}
    assert MANIFEST_REL in objects and LIST_REL in objects
    head = s3.head_object(Bucket="mirror", Key="ru/index.html")
    assert head["ContentType"].startswith("text/html") and "max-age" in head["CacheControl"]
    listed = json.loads((tmp_path / "usb" / LIST_REL).read_text())
    assert {m["name"] for m in listed["mirrors"]} == {"usb", "backup", "cdn"}
    assert all(m["root_hash"] == first.root_hash for m in listed["mirrors"])

    # nothing changed: only the re-signed list (and its signature) travel
    again = publish(quiet=True)
    assert not again.failed
    for r in again.reports:
        assert r.files <= 2, (r.name, r.files)

    statement = small_site[0]
    statement.body = "Новый текст."
    statement.save()
    changed = publish(quiet=True)
    assert not changed.failed
    usb = {r.name: r for r in changed.reports}["usb"]
    assert 3 <= usb.files < by_name["usb"].files / 2, usb
    assert verify_mirror(str(tmp_path / "usb")).ok


@pytest.mark.django_db(transaction=True)
def test_command_table_and_failure_exit(small_site, write_config, tmp_path):
    write_config(
        f"""
[targets.usb]
kind = "dir"
url = "https://usb.example/"
path = "{tmp_path / "usb"}"

[targets.dead]
kind = "rsync"
url = "https://dead.example/"
destination = "rsync://127.0.0.1:9/mirror/"
"""
    )
    with pytest.raises(CommandError, match="1 target\\(s\\) failed: dead"):
        call_command("mirror", "publish", "--no-progress")
    assert verify_mirror(str(tmp_path / "usb")).ok
    listed = json.loads((tmp_path / "usb" / LIST_REL).read_text())
    dead = next(m for m in listed["mirrors"] if m["name"] == "dead")
    assert dead["published_at"] is None  # a failed target is never claimed as published
