"""Wrong S3 credentials: moto's server with authentication switched on (/moto-api/reset-auth)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from samizdat.mirror.network.publish import publish
from samizdat.mirror.network.verify import verify_mirror

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


def reset_auth(endpoint: str, count: str) -> None:
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth", data=count.encode(), method="POST"
    )
    request.add_header("Content-Type", "text/plain")  # a form body would not reach moto
    urllib.request.urlopen(request, timeout=10).close()


@pytest.fixture
def s3_with_auth(s3_server, monkeypatch):
    import boto3

    endpoint, _client = s3_server
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")
    iam.create_user(UserName="mirror")
    iam.put_user_policy(UserName="mirror", PolicyName="s3", PolicyDocument=json.dumps(POLICY))
    key = iam.create_access_key(UserName="mirror")["AccessKey"]
    monkeypatch.setenv("GOOD_KEY", key["AccessKeyId"])
    monkeypatch.setenv("GOOD_SECRET", key["SecretAccessKey"])
    monkeypatch.setenv("BAD_KEY", "AKIAWRONGWRONGWRONG0")
    monkeypatch.setenv("BAD_SECRET", "not-the-secret")
    reset_auth(endpoint, "0")  # from now on every request must be signed by a known key
    try:
        yield endpoint
    finally:
        reset_auth(endpoint, "inf")


@pytest.mark.django_db(transaction=True)
def test_wrong_credentials_fail_that_target_only(small_site, write_config, tmp_path, s3_with_auth):
    write_config(
        f"""
[targets.good]
kind = "s3"
url = "https://good.example/"
bucket = "mirror"
endpoint = "{s3_with_auth}"
access_key_env = "GOOD_KEY"
secret_key_env = "GOOD_SECRET"

[targets.bad]
kind = "s3"
url = "https://bad.example/"
bucket = "mirror"
prefix = "bad"
endpoint = "{s3_with_auth}"
access_key_env = "BAD_KEY"
secret_key_env = "BAD_SECRET"

[targets.usb]
kind = "dir"
url = "https://usb.example/"
path = "{tmp_path / "usb"}"
"""
    )
    result = publish(quiet=True)
    errors = {r.name: r.error for r in result.reports}
    assert "refused the credentials" in errors["bad"] and "BAD_KEY" in errors["bad"]
    assert not errors["good"] and not errors["usb"]
    assert {r.name: r.files for r in result.reports}["good"] > 10
    assert verify_mirror(str(tmp_path / "usb")).ok
