"""Fixtures: the WXR files under fixtures/ and a wp-content/uploads copy made with Pillow."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

FIXTURES = Path(__file__).parent / "fixtures"


def _jpeg_with_gps() -> bytes:
    """A photo with EXIF that must not survive: camera model and GPS position."""
    image = Image.new("RGB", (1200, 900), (180, 150, 90))
    exif = Image.Exif()
    exif[0x0110] = "SteppeCam 3000"  # Model
    exif[0x8825] = {1: "N", 2: (49.0, 48.0, 0.0), 3: "E", 4: (73.0, 6.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def uploads(tmp_path) -> Path:
    root = tmp_path / "uploads"
    (root / "2024/05").mkdir(parents=True)
    (root / "2024/05/miting.jpg").write_bytes(_jpeg_with_gps())
    png = io.BytesIO()
    Image.new("RGBA", (300, 200), (20, 120, 40, 200)).save(png, "PNG")
    (root / "2024/05/polya.png").write_bytes(png.getvalue())
    (root / "2024/05/reshenie.pdf").write_bytes(b"%PDF-1.4\n% invented\n")
    (root / "2024/09").mkdir(parents=True)
    Image.new("RGB", (1024, 768), (90, 90, 160)).save(root / "2024/09/mektep.jpg", "JPEG")
    # 2024/08/elevator.jpg is missing on purpose.
    return root


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def run_import():
    from django.core.management import call_command

    def run(name: str, *args: str) -> str:
        out = io.StringIO()
        path = name if "/" in name else str(FIXTURES / name)
        call_command("import", "wordpress", path, "--no-progress", *args, stdout=out)
        return out.getvalue()

    return run
