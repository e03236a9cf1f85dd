"""``s3``: any S3-compatible store through boto3.

Objects are compared by ETag (the MD5 of a single-part upload, which is how every object is
put), so only changed files are uploaded; objects under the prefix that the tree no longer has
are deleted after the entry points were switched. Each object gets its Content-Type and a
Cache-Control by file type.
"""

from __future__ import annotations

import mimetypes
import os

from .base import Push, TargetError

TEXT_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".txt": "text/plain",
}
TEXT_TYPES |= {".json": "application/json", ".xml": "application/xml", ".minisig": "text/plain"}
TEXT_TYPES |= {".pub": "text/plain", ".svg": "image/svg+xml", ".car": "application/vnd.ipld.car"}
LONG_CACHE = {".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".woff", ".woff2"}


def content_type(rel: str) -> str:
    ext = os.path.splitext(rel)[1].lower()
    if ext in TEXT_TYPES:
        kind = TEXT_TYPES[ext]
        return (
            kind + "; charset=utf-8"
            if kind.startswith("text/") or "json" in kind or "xml" in kind
            else kind
        )
    return mimetypes.guess_type(rel)[0] or "application/octet-stream"


def cache_control(rel: str) -> str:
    if rel.startswith(".well-known/") or rel.endswith("index.html") and rel.count("/") <= 1:
        return "public, max-age=300"
    if os.path.splitext(rel)[1].lower() in LONG_CACHE:
        return "public, max-age=86400"
    return "public, max-age=3600"


def _explain(exc: Exception, target) -> str:
    from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

    keys = f"{target.option('access_key_env')}/{target.option('secret_key_env')}"
    where = f"bucket {target.option('bucket')} at {target.option('endpoint') or 'AWS'}"
    if isinstance(exc, NoCredentialsError):
        return f"no credentials for {where}: set {keys}"
    if isinstance(exc, EndpointConnectionError):
        return f"cannot reach {where}: {exc}"
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403"):
            return f"{where} refused the credentials ({code}): check {keys}"
        if code in ("NoSuchBucket", "404"):
            return f"{where} does not exist"
        return f"{where} answered {code}: {exc.response.get('Error', {}).get('Message', exc)}"
    return f"{where}: {exc}"


class S3Push(Push):
    def __init__(self, *args):
        super().__init__(*args)
        import boto3
        from botocore.config import Config

        opts = self.target.options
        self.bucket = opts["bucket"]
        self.prefix = opts["prefix"].strip("/") + "/" if opts["prefix"].strip("/") else ""
        self.client = boto3.session.Session().client(
            "s3",
            endpoint_url=opts["endpoint"] or None,
            region_name=opts["region"],
            aws_access_key_id=os.environ.get(opts["access_key_env"]) or None,
            aws_secret_access_key=os.environ.get(opts["secret_key_env"]) or None,
            config=Config(
                connect_timeout=10,
                read_timeout=60,
                retries={"max_attempts": 2},
                s3={"addressing_style": "path"},
            ),
        )

    def guard(self, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except Exception as exc:
            from botocore.exceptions import BotoCoreError, ClientError

            if isinstance(exc, ClientError | BotoCoreError):
                raise TargetError(_explain(exc, self.target)) from None
            raise

    def remote(self) -> dict[str, str]:
        found = {}
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=self.prefix)

        def collect():
            for page in pages:
                for obj in page.get("Contents", []):
                    found[obj["Key"][len(self.prefix) :]] = obj["ETag"].strip('"')

        self.guard(collect)
        return found

    def local_token(self, rel: str) -> str:
        return self.stage.files[rel].md5

    def send(self, rels: list[str]) -> None:
        for i, rel in enumerate(rels, 1):
            with open(self.stage.root / rel, "rb") as body:
                self.guard(
                    self.client.put_object,
                    Bucket=self.bucket,
                    Key=self.prefix + rel,
                    Body=body,
                    ContentType=content_type(rel),
                    CacheControl=cache_control(rel),
                )
            self.count(rel)
            self.report.tick(i, len(rels))

    def delete(self, rels: list[str]) -> None:
        for start in range(0, len(rels), 1000):
            batch = [{"Key": self.prefix + r} for r in rels[start : start + 1000]]
            answer = self.guard(
                self.client.delete_objects,
                Bucket=self.bucket,
                Delete={"Objects": batch, "Quiet": True},
            )
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise TargetError(f"deleting {first.get('Key')} failed: {first.get('Message')}")
