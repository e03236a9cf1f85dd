"""The signed SHA-256 manifest of an export and the signed list of mirrors (``mirrors.json``).

Both are canonical JSON (sorted keys, no spaces, UTF-8) signed with the site's minisign key
(samizdat/authenticity), so ``minisign -Vm FILE -P KEY`` checks them with the stock tool.

- ``/.well-known/samizdat-manifest.json``: every published file's SHA-256 and size; its own
  SHA-256 is the export's *root hash*.
- ``/.well-known/samizdat-mirrors.json``: every target's name, kind, public URL, the time it was
  last published and the root hash it then received.

A list or manifest is signed only after its content passed ``check_list``/``check_manifest``
(the same checks a reader's ``samizdat mirror verify`` applies), and every signature is checked
against the public key right after it was made.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from samizdat.authenticity import keys, minisign

from .config import ConfigError, check_url

WELL_KNOWN = ".well-known"
MANIFEST_REL = f"{WELL_KNOWN}/samizdat-manifest.json"
LIST_REL = f"{WELL_KNOWN}/samizdat-mirrors.json"
SIG = ".minisig"
SIGNED_FILES = (MANIFEST_REL, MANIFEST_REL + SIG, LIST_REL, LIST_REL + SIG)
MANIFEST_FORMAT = "samizdat-manifest/1"
LIST_FORMAT = "samizdat-mirrors/1"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
SAFE_REL = re.compile(r"^(?!/)(?!.*(?:^|/)\.\.?(?:/|$))[^\x00-\x1f\\]+$")


class SignedFileError(Exception):
    """A manifest or list that is malformed, altered or signed by another key."""


def canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def root_hash(manifest_bytes: bytes) -> str:
    return "sha256:" + hashlib.sha256(manifest_bytes).hexdigest()


def state_dir() -> Path:
    return Path(settings.DATA_DIR) / "mirror-network"


def list_path() -> Path:
    return state_dir() / "mirrors.json"


# -- checks ----------------------------------------------------------------------------------


def check_manifest(data: object) -> dict:
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise SignedFileError(f"not a samizdat manifest (format {MANIFEST_FORMAT} expected)")
    files = data.get("files")
    if not isinstance(files, dict) or not files:
        raise SignedFileError("the manifest lists no files")
    for rel, entry in files.items():
        if not SAFE_REL.match(rel) or rel in SIGNED_FILES:
            raise SignedFileError(f"the manifest names an unsafe path: {rel!r}")
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
            raise SignedFileError(f"bad manifest entry for {rel}")
        if not HEX64.match(entry[0]) or not isinstance(entry[1], int) or entry[1] < 0:
            raise SignedFileError(f"bad manifest entry for {rel}")
    return data


def check_list(data: object) -> dict:
    if not isinstance(data, dict) or data.get("format") != LIST_FORMAT:
        raise SignedFileError(f"not a samizdat mirror list (format {LIST_FORMAT} expected)")
    mirrors = data.get("mirrors")
    if not isinstance(mirrors, list):
        raise SignedFileError("the mirror list has no mirrors array")
    names = set()
    for item in mirrors:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise SignedFileError("a mirror entry without a name")
        if item["name"] in names:
            raise SignedFileError(f"mirror {item['name']} listed twice")
        names.add(item["name"])
        try:
            check_url(item.get("url"), f"mirror {item['name']}", item.get("kind", ""))
        except ConfigError as exc:
            raise SignedFileError(str(exc)) from None
        if item.get("kind") not in ("dir", "rsync", "s3", "ipfs", "onion"):
            raise SignedFileError(f"mirror {item['name']}: unknown kind {item.get('kind')!r}")
        for key in ("published_at", "root_hash"):
            if item.get(key) is not None and not isinstance(item[key], str):
                raise SignedFileError(f"mirror {item['name']}: {key} must be a string")
    return data


# -- signing and verifying -------------------------------------------------------------------


def public_key() -> minisign.PublicKey:
    site = keys.site_public_key()
    if site is None:
        raise SignedFileError(
            f"no public key at {keys.public_key_path()}: run `samizdat keys generate`"
        )
    return site.key


def sign(data: dict, kind: str, secret: minisign.SecretKey) -> tuple[bytes, bytes]:
    """(bytes, signature bytes) of ``data`` after checking it; the signature is verified."""
    (check_manifest if kind == "manifest" else check_list)(data)
    body = canonical(data)
    comment = f"samizdat {kind} {root_hash(body)}"
    signature = secret.sign(body, comment)
    public_key().verify(body, signature)  # the key in use is the published one
    return body, signature.to_file()


def verify(body: bytes, signature: bytes, kind: str, key: minisign.PublicKey | None = None) -> dict:
    """The checked content of a signed manifest/list; SignedFileError naming what is wrong."""
    key = key or public_key()
    try:
        sig = minisign.Signature.from_file(signature)
    except minisign.MinisignError as exc:
        raise SignedFileError(f"the {kind} signature is unreadable: {exc}") from None
    if sig.key_id != key.key_id:
        raise SignedFileError(
            f"the {kind} is signed by another key ({sig.key_id_hex}), not the site's key ({key.id})"
        )
    try:
        key.verify(body, sig)
    except minisign.MinisignError as exc:
        raise SignedFileError(f"the {kind} was altered after signing: {exc}") from None
    try:
        data = json.loads(body.decode("utf-8"))
    except ValueError:
        raise SignedFileError(f"the signed {kind} is not JSON") from None
    return (check_manifest if kind == "manifest" else check_list)(data)


@dataclass
class Signed:
    body: bytes
    signature: bytes
    data: dict


def stored_list() -> Signed | None:
    """The list last signed on this site, verified; None before the first publication."""
    path = list_path()
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        signature = path.with_name(path.name + SIG).read_bytes()
    except FileNotFoundError:
        raise SignedFileError(f"{path} has no signature beside it; refusing to use it") from None
    data = verify(body, signature, "mirror list")
    return Signed(body, signature, data)


def store_list(signed: Signed) -> None:
    path = list_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for target, data in ((path.with_name(path.name + SIG), signed.signature), (path, signed.body)):
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)


def build_list(
    targets, previous: dict | None, updates: dict[str, dict], key_id: str, site: str
) -> dict:
    """The list for ``targets`` (Target objects): entries keep what ``previous`` said about
    them unless ``updates`` (name -> {published_at, root_hash, ...}) has newer facts."""
    old = {m["name"]: m for m in (previous or {}).get("mirrors", [])}
    mirrors = []
    for target in targets:
        entry = {
            "name": target.name,
            "kind": target.kind,
            "url": target.url,
            "published_at": None,
            "root_hash": None,
        }
        before = old.get(target.name, {})
        for key in ("published_at", "root_hash", "cid"):
            if before.get(key) is not None:
                entry[key] = before[key]
        entry.update(updates.get(target.name, {}))
        mirrors.append(entry)
    return {
        "format": LIST_FORMAT,
        "site": site,
        "key_id": key_id,
        "mirrors": mirrors,
        "manifest": "/" + MANIFEST_REL,
    }


def list_fingerprint() -> str:
    """What the human page shows (names, kinds, URLs, key id) — not the publication times."""
    try:
        signed = stored_list()
    except SignedFileError:
        return "invalid"
    if signed is None:
        return "none"
    shown = [(m["name"], m["kind"], m["url"]) for m in signed.data["mirrors"]]
    return hashlib.blake2b(
        repr((shown, signed.data.get("key_id"))).encode(), digest_size=10
    ).hexdigest()
