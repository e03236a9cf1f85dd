"""The CAR writer's root CID equals the one ipfs-car (npm) computes for the same tree."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from samizdat.mirror.network.car import (
    CHUNK,
    SHARD_THRESHOLD,
    cid_bytes,
    cid_string,
    hamt_slot,
    murmur3_x64_64,
    write_car,
)

CACHE_BIN = Path(os.environ.get("SAMIZDAT_NPM_PREFIX") or Path.home() / ".cache/samizdat-npm") / (
    "node_modules/.bin/ipfs-car"
)


@pytest.fixture
def ipfs_car():
    found = str(CACHE_BIN) if CACHE_BIN.exists() else shutil.which("ipfs-car")
    if not found or not shutil.which("node"):
        if os.environ.get("SAMIZDAT_REQUIRE_TOOLS") == "1":
            pytest.fail("ipfs-car is required (SAMIZDAT_REQUIRE_TOOLS=1): see .ci/run")
        pytest.skip(
            "ipfs-car (npm) is not installed: npm install --prefix ~/.cache/samizdat-npm ipfs-car"
        )
    return found


def make_tree(root: Path) -> Path:
    (root / "ru" / "news").mkdir(parents=True)
    (root / ".well-known").mkdir()
    (root / "index.html").write_text("<p>Выбор языка</p>")
    (root / "ru" / "news" / "index.html").write_text("<h1>Новости</h1>" * 50)
    (root / ".well-known" / "samizdat.pub").write_text("untrusted comment: x\nRWQ\n")
    (root / "empty.txt").write_bytes(b"")
    (root / "exact.bin").write_bytes(b"\x01" * CHUNK)
    (root / "big.bin").write_bytes(os.urandom(CHUNK * 2 + 12345))
    return root


def make_large_tree(root: Path) -> Path:
    """Directories of 1000 (flat), 1001, 1500 and 3000 entries, and a root of 1001 entries."""
    for name, count in (("flat", SHARD_THRESHOLD), ("edge", SHARD_THRESHOLD + 1), ("ru", 1500)):
        (root / name).mkdir(parents=True)
        for i in range(count):
            (root / name / f"{i}.html").write_text(f"<p>{name} {i}</p>")
    (root / "statements").mkdir()
    for i in range(3000):
        (root / "statements" / f"заявление-{i:05d}.html").write_text(str(i % 11))
    (root / "statements" / "nested").mkdir()
    (root / "statements" / "nested" / "index.html").write_text("<p>вложено</p>")
    for i in range(SHARD_THRESHOLD + 1 - 4):
        (root / f"page-{i}.txt").write_bytes(b"x" * (i % 3))
    return root


def run_pack(ipfs_car: str, tree: Path, out: Path) -> str:
    packed = subprocess.run(
        [ipfs_car, "pack", str(tree), "--hidden", "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert packed.returncode == 0, packed.stderr
    return packed.stdout.strip()


def test_murmur3_vectors():
    # the first 64 bits of MurmurHash3 x64 128 (seed 0), as @multiformats/murmur3's murmur364
    vectors = {
        b"": "0000000000000000",
        b"a": "85555565f6597889",
        b"hello": "cbd8a7b341bd9b02",
        b"index.html": "a06d7ec87879381d",
        b"0123456789abcdef": "4be06d94cf4ad1a7",  # one whole block, no tail
        "Выбор языка/ё".encode(): "46e211b91207ed57",  # a block and a tail of more than 8
        b"x" * 31: "887b5e1ecbc9ba74",
    }
    for data, digest in vectors.items():
        assert murmur3_x64_64(data).hex() == digest, data


def test_hamt_slots_continue_into_later_hash_frames():
    # @perma/map's InfiniteUint8Array path: after 8 levels, hash(name + b"\x01"), and so on
    assert [hamt_slot(b"hello", d) for d in range(18)] == [
        *bytes.fromhex("cbd8a7b341bd9b02"),
        *(184, 234, 24, 26, 17, 198, 191, 34, 24, 19),
    ]
    assert hamt_slot(b"hello", 8) == murmur3_x64_64(b"hello\x01")[0]


def test_directories_over_the_threshold_are_sharded(tmp_path):
    tree = make_large_tree(tmp_path / "site")
    result = write_car(tree, tmp_path / "ours.car")
    assert sorted(result.sharded_dirs) == ["/", "edge/", "ru/", "statements/"]


def test_known_cids():
    # the empty raw block and "hello\n" as raw leaves, as every IPFS implementation names them
    assert (
        cid_string(cid_bytes(0x55, b""))
        == "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
    )
    assert cid_string(cid_bytes(0x55, b"hello\n")) == (
        "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am"
    )


def test_root_cid_matches_ipfs_car(tmp_path, ipfs_car):
    tree = make_tree(tmp_path / "site")
    ours = write_car(tree, tmp_path / "ours.car")
    packed = subprocess.run(
        [ipfs_car, "pack", str(tree), "--hidden", "--output", str(tmp_path / "theirs.car")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert packed.returncode == 0, packed.stderr
    assert packed.stdout.strip() == ours.root
    # and ipfs-car reads our archive back into the same tree
    roots = subprocess.run(
        [ipfs_car, "roots", str(tmp_path / "ours.car")], capture_output=True, text=True
    )
    assert roots.stdout.strip() == ours.root
    out = tmp_path / "unpacked"
    subprocess.run(
        [ipfs_car, "unpack", str(tmp_path / "ours.car"), "--output", str(out)],
        check=True,
        timeout=120,
    )
    for path in tree.rglob("*"):
        if path.is_file():
            assert (out / path.relative_to(tree)).read_bytes() == path.read_bytes()


def test_one_changed_byte_changes_the_root(tmp_path):
    tree = make_tree(tmp_path / "site")
    first = write_car(tree, tmp_path / "a.car").root
    (tree / "index.html").write_text("<p>Выбор языкa</p>")
    assert write_car(tree, tmp_path / "b.car").root != first


def test_sharded_root_cid_matches_ipfs_car(tmp_path, ipfs_car):
    tree = make_large_tree(tmp_path / "site")
    ours = write_car(tree, tmp_path / "ours.car")
    assert run_pack(ipfs_car, tree, tmp_path / "theirs.car") == ours.root
    # ipfs-car walks our HAMT shards back into the same tree
    out = tmp_path / "unpacked"
    subprocess.run(
        [ipfs_car, "unpack", str(tmp_path / "ours.car"), "--output", str(out)],
        check=True,
        timeout=300,
    )
    files = [path for path in tree.rglob("*") if path.is_file()]
    assert len(files) > 6500
    for path in files:
        assert (out / path.relative_to(tree)).read_bytes() == path.read_bytes()
