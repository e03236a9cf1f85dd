"""A CARv1 archive of a directory tree and its root CID, without an IPFS node.

The DAG is built the way ``ipfs-car`` (npm, @ipld/unixfs) builds it by default, so the root CID
is the same as ``npx ipfs-car pack DIR --hidden`` prints:

- CIDv1, sha2-256; file chunks are *raw* blocks (codec 0x55) of at most 1 MiB;
- a file of one chunk (or an empty file) is that raw block itself;
- a longer file is a UnixFS ``File`` dag-pb node (codec 0x70) over its chunks, balanced with at
  most 1024 links per node (groups of 1024, then groups of those, until one node is left);
- a directory is a UnixFS ``Directory`` dag-pb node, links sorted by name, ``Tsize`` the total
  size of the linked DAG.

ipfs-car switches to HAMT-sharded directories above 1000 entries; this writer keeps such
directories flat (a valid DAG that ``ipfs dag import`` accepts, but with a different root CID)
and reports them in ``CarResult.flat_large_dirs``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 1024 * 1024
WIDTH = 1024
SHARD_THRESHOLD = 1000
RAW, DAG_PB = 0x55, 0x70
_B32 = "abcdefghijklmnopqrstuvwxyz234567"


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def cid_bytes(codec: int, data: bytes) -> bytes:
    return b"\x01" + varint(codec) + b"\x12\x20" + hashlib.sha256(data).digest()


def cid_string(cid: bytes) -> str:
    """Multibase base32 (lower case, no padding), as IPFS prints CIDv1."""
    bits = int.from_bytes(cid, "big")
    nbits = len(cid) * 8
    pad = (-nbits) % 5
    bits <<= pad
    nbits += pad
    chars = [_B32[(bits >> (nbits - 5 * (i + 1))) & 31] for i in range(nbits // 5)]
    return "b" + "".join(chars)


def _field(number: int, wire: int) -> bytes:
    return varint(number << 3 | wire)


def _bytes_field(number: int, data: bytes) -> bytes:
    return _field(number, 2) + varint(len(data)) + data


def unixfs_data(kind: int, filesize: int | None = None, blocksizes: list[int] = ()) -> bytes:
    out = _field(1, 0) + varint(kind)
    if filesize is not None:
        out += _field(3, 0) + varint(filesize)
    for size in blocksizes:
        out += _field(4, 0) + varint(size)
    return out


def dag_pb(data: bytes, links: list[tuple[bytes, str, int]]) -> bytes:
    """A dag-pb node: links (sorted by name bytes) first, then Data, as @ipld/dag-pb writes."""
    out = b""
    for cid, name, tsize in sorted(links, key=lambda link: link[1].encode()):
        body = _bytes_field(1, cid) + _bytes_field(2, name.encode()) + _field(3, 0) + varint(tsize)
        out += _bytes_field(2, body)
    return out + _bytes_field(1, data)


@dataclass
class CarResult:
    root: str
    blocks: int = 0
    size: int = 0
    flat_large_dirs: list[str] = field(default_factory=list)


class _Writer:
    def __init__(self, body):
        self.body = body
        self.seen: set[bytes] = set()
        self.blocks = 0

    def block(self, codec: int, data: bytes) -> bytes:
        cid = cid_bytes(codec, data)
        if cid not in self.seen:  # identical chunks are stored once, as ipfs-car's writer does
            self.seen.add(cid)
            self.body.write(varint(len(cid) + len(data)) + cid + data)
            self.blocks += 1
        return cid

    def file(self, path: Path) -> tuple[bytes, int]:
        """(CID, cumulative DAG size) of one file."""
        leaves: list[tuple[bytes, int, int]] = []  # cid, content size, dag size
        with open(path, "rb") as fh:
            while True:
                chunk = fh.read(CHUNK)
                if not chunk and leaves:
                    break
                leaves.append((self.block(RAW, chunk), len(chunk), len(chunk)))
                if len(chunk) < CHUNK:
                    break
        level = leaves
        while len(level) > 1:
            parents = []
            for start in range(0, len(level), WIDTH):
                group = level[start : start + WIDTH]
                sizes = [g[1] for g in group]
                node = dag_pb(unixfs_data(2, sum(sizes), sizes), [(g[0], "", g[2]) for g in group])
                cid = self.block(DAG_PB, node)
                parents.append((cid, sum(sizes), len(node) + sum(g[2] for g in group)))
            level = parents
        return level[0][0], level[0][2]

    def directory(self, path: Path, rel: str, result: CarResult) -> tuple[bytes, int]:
        links = []
        with os.scandir(path) as entries:
            children = sorted(entries, key=lambda e: e.name)
        for entry in children:
            if entry.is_dir(follow_symlinks=False):
                cid, size = self.directory(Path(entry.path), f"{rel}{entry.name}/", result)
            elif entry.is_file(follow_symlinks=False):
                cid, size = self.file(Path(entry.path))
            else:
                continue
            links.append((cid, entry.name, size))
        if len(links) > SHARD_THRESHOLD:
            result.flat_large_dirs.append(rel or "/")
        node = dag_pb(unixfs_data(1), links)
        return self.block(DAG_PB, node), len(node) + sum(link[2] for link in links)


def car_header(root: bytes) -> bytes:
    """DAG-CBOR ``{"roots": [root], "version": 1}`` with its length prefix."""
    cid = b"\x00" + root
    cbor = b"\xa2\x65roots\x81\xd8\x2a" + (b"\x58" + bytes([len(cid)])) + cid + b"\x67version\x01"
    return varint(len(cbor)) + cbor


def write_car(source: Path, out: Path) -> CarResult:
    """Write ``out`` (atomically, through a temporary file beside it) for the tree ``source``."""
    source, out = Path(source), Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    result = CarResult(root="")
    with tempfile.TemporaryFile(dir=out.parent) as body:
        writer = _Writer(body)
        root, _size = writer.directory(source, "", result)
        result.root, result.blocks = cid_string(root), writer.blocks
        tmp = out.with_name(f".{out.name}.samizdat-tmp")
        with open(tmp, "wb") as fh:
            fh.write(car_header(root))
            body.seek(0)
            shutil.copyfileobj(body, fh, 1 << 20)
        os.replace(tmp, out)
    result.size = out.stat().st_size
    return result
