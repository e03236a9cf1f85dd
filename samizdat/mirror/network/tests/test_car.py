"""The CAR writer's root CID equals the one ipfs-car (npm) computes for the same tree."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from samizdat.mirror.network.car import CHUNK, cid_bytes, cid_string, write_car

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
