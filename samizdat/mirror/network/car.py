"""A CARv1 archive of a directory tree and its root CID, without an IPFS node.

The DAG is built the way ``ipfs-car`` (npm, @ipld/unixfs) builds it by default, so the root CID
is the same as ``npx ipfs-car pack DIR --hidden`` prints:

- CIDv1, sha2-256; file chunks are *raw* blocks (codec 0x55) of at most 1 MiB;
- a file of one chunk (or an empty file) is that raw block itself;
- a longer file is a UnixFS ``File`` dag-pb node (codec 0x70) over its chunks, balanced with at
  most 1024 links per node (groups of 1024, then groups of those, until one node is left);
- a directory is a UnixFS ``Directory`` dag-pb node, links sorted by name, ``Tsize`` the total
  size of the linked DAG;
- a directory of more than 1000 entries is a HAMT-sharded directory, as @ipld/unixfs (with
  @perma/map) writes it: see ``_Writer.shard``.
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
SHARD_THRESHOLD = 1000  # ipfs-car shards a directory of more than this many entries
FANOUT = 256  # 8 bits of the name's hash per HAMT level
MURMUR3_X64_64 = 0x22  # the multihash code UnixFS names the HAMT's hash function by
HAMT_SHARD = 5
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


_M64 = (1 << 64) - 1


def _rotl64(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & _M64


def _fmix64(k: int) -> int:
    k ^= k >> 33
    k = (k * 0xFF51AFD7ED558CCD) & _M64
    k ^= k >> 33
    k = (k * 0xC4CEB9FE1A85EC53) & _M64
    return k ^ (k >> 33)


def murmur3_x64_64(data: bytes) -> bytes:
    """The first 8 bytes of MurmurHash3 x64 128 (seed 0), big-endian: UnixFS's HAMT hash."""
    c1, c2 = 0x87C37B91114253D5, 0x4CF5AD432745937F
    h1 = h2 = 0
    whole = len(data) - len(data) % 16
    for i in range(0, whole, 16):
        k1 = int.from_bytes(data[i : i + 8], "little")
        k2 = int.from_bytes(data[i + 8 : i + 16], "little")
        h1 ^= (_rotl64((k1 * c1) & _M64, 31) * c2) & _M64
        h1 = (_rotl64(h1, 27) + h2) & _M64
        h1 = (h1 * 5 + 0x52DCE729) & _M64
        h2 ^= (_rotl64((k2 * c2) & _M64, 33) * c1) & _M64
        h2 = (_rotl64(h2, 31) + h1) & _M64
        h2 = (h2 * 5 + 0x38495AB5) & _M64
    tail = data[whole:]
    if len(tail) > 8:
        k2 = int.from_bytes(tail[8:], "little")
        h2 ^= (_rotl64((k2 * c2) & _M64, 33) * c1) & _M64
    if tail:
        k1 = int.from_bytes(tail[:8], "little")
        h1 ^= (_rotl64((k1 * c1) & _M64, 31) * c2) & _M64
    h1 ^= len(data)
    h2 ^= len(data)
    h1 = (h1 + h2) & _M64
    h2 = (h2 + h1) & _M64
    h1, h2 = _fmix64(h1), _fmix64(h2)
    return ((h1 + h2) & _M64).to_bytes(8, "big")


def hamt_slot(name: bytes, depth: int) -> int:
    """The bucket (0..255) of ``name`` at HAMT level ``depth``.

    The hash is an endless bit string: frame 0 is the hash of the name, frame n the hash of the
    name followed by the byte n (as @perma/map's InfiniteUint8Array path), read 8 bits a level.
    """
    frame, index = divmod(depth, 8)
    return murmur3_x64_64(name if frame == 0 else name + bytes([frame]))[index]


@dataclass
class CarResult:
    root: str
    blocks: int = 0
    size: int = 0
    sharded_dirs: list[str] = field(default_factory=list)


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
            result.sharded_dirs.append(rel or "/")
            return self.shard([(link[1].encode(), link) for link in links], 0)
        node = dag_pb(unixfs_data(1), links)
        return self.block(DAG_PB, node), len(node) + sum(link[2] for link in links)

    def shard(self, entries: list[tuple[bytes, tuple[bytes, str, int]]], depth: int):
        """One HAMT shard node over ``entries`` (name bytes, link) at level ``depth``.

        A bucket holding one entry is a link named by the bucket's two upper-case hex digits and
        the entry's name; a bucket of several is a sub-shard one level down, linked by the two
        digits alone. The Data is a ``HAMTShard`` with the bitfield of used buckets (bucket i is
        bit i of a big-endian 256-bit number, leading zero bytes dropped), hashType 0x22 and
        fanout 256. This is the canonical shape @perma/map builds, whatever the insertion order.
        """
        buckets: dict[int, list] = {}
        for entry in entries:
            buckets.setdefault(hamt_slot(entry[0], depth), []).append(entry)
        links, bits = [], 0
        for slot, group in buckets.items():
            bits |= 1 << slot
            prefix = f"{slot:02X}"
            if len(group) == 1:
                cid, name, size = group[0][1]
                links.append((cid, prefix + name, size))
            else:
                cid, size = self.shard(group, depth + 1)
                links.append((cid, prefix, size))
        bitfield = bits.to_bytes(FANOUT // 8, "big").lstrip(b"\0")
        data = _field(1, 0) + varint(HAMT_SHARD)
        if bitfield:
            data += _bytes_field(2, bitfield)
        data += _field(5, 0) + varint(MURMUR3_X64_64) + _field(6, 0) + varint(FANOUT)
        node = dag_pb(data, links)
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
