"""Images full of identifying metadata, made in the tests, and the checks that none survived."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageCms
from PIL.PngImagePlugin import PngInfo

# Every marker below must be absent from every stored or published file.
MARKERS = [
    "SecretCam",
    "Model-X42",
    "SN-99731",
    "Aigerim Photographer",
    "xmp-secret-author",
    "iptc-secret-byline",
    "png-text-secret",
    "png-itxt-secret",
    "png-ztxt-secret",
    "webp-xmp-secret",
]
ICC_MARKER = "icc-secretTXT"  # as long as "sRGB built-in" (13), so the profile stays valid
ORIGINAL_STEM = "aigerim-rally-astana"
# What exiftool may report about a clean file: where it is and how its pixels are laid out.
ALLOWED_GROUPS = {"ExifTool", "System", "File", "JFIF", "Composite"}
ALLOWED_PNG_TAGS = {
    "ImageWidth",
    "ImageHeight",
    "BitDepth",
    "ColorType",
    "Compression",
    "Filter",
    "Interlace",
}
FORBIDDEN_INFO = {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp", "comment", "photoshop"}


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
    b' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="xmp-secret-author"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def _exif() -> PILImage.Exif:
    exif = PILImage.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0110] = "Model-X42"  # Model
    exif[0x013B] = "Aigerim Photographer"  # Artist
    exif[0x8298] = "Aigerim Photographer"  # Copyright
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif.get_ifd(0x8769)[0xA431] = "SN-99731"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (51.0, 10.0, 9.8), 3: "E", 4: (71.0, 26.0, 44.8)})
    return exif


def _icc() -> bytes:
    """An sRGB profile whose description (UTF-16 text in the profile) names the photographer."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    text = "sRGB built-in".encode("utf-16-be")
    assert text in profile
    return profile.replace(text, ICC_MARKER.encode("utf-16-be"))


def jpeg_full_of_metadata(size=(1800, 1000)) -> bytes:
    """A landscape JPEG with EXIF (camera, serial, owner, GPS, orientation 6), ICC and a comment."""
    image = PILImage.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 220), (0, 0, size[0] // 4, size[1] // 4))  # a blue corner
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=_exif().tobytes(),
        icc_profile=_icc(),
        comment=b"png-text-secret in a JPEG comment",
        xmp=XMP,
    )
    return out.getvalue()


def png_full_of_metadata(size=(1200, 800)) -> bytes:
    """An RGBA PNG with tEXt, iTXt and zTXt chunks, an eXIf chunk and an ICC profile."""
    image = PILImage.new("RGBA", size, (10, 120, 10, 200))
    info = PngInfo()
    info.add_text("Author", "png-text-secret")
    info.add_itxt("Description", "png-itxt-secret", lang="kk", tkey="Сипаттама")
    info.add_text("Comment", "png-ztxt-secret", zip=True)
    info.add_text("XML:com.adobe.xmp", "xmp-secret-author")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, exif=_exif().tobytes(), icc_profile=_icc())
    return out.getvalue()


def webp_full_of_metadata(size=(800, 600)) -> bytes:
    image = PILImage.new("RGB", size, (90, 90, 30))
    out = io.BytesIO()
    image.save(
        out,
        "WEBP",
        exif=_exif().tobytes(),
        icc_profile=_icc(),
        xmp=b"<x:xmpmeta>webp-xmp-secret</x:xmpmeta>",
    )
    return out.getvalue()


def add_xmp_and_iptc(exiftool: str, data: bytes, suffix: str, tmp: Path) -> bytes:
    """Let exiftool write XMP and IPTC the way photo tools do (Pillow cannot write IPTC)."""
    path = tmp / f"meta{suffix}"
    path.write_bytes(data)
    subprocess.run(
        [
            exiftool,
            "-q",
            "-overwrite_original",
            "-XMP-dc:Creator=xmp-secret-author",
            "-IPTC:By-line=iptc-secret-byline",
            "-XMP-photoshop:City=Astana",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path.read_bytes()


def exiftool_tags(exiftool: str, path: Path) -> dict:
    out = subprocess.run(
        [exiftool, "-j", "-a", "-G1", str(path)],
        capture_output=True,
        check=True,
        text=True,
        timeout=60,
    )
    return json.loads(out.stdout)[0]


def metadata_left(exiftool: str | None, path: Path) -> list[str]:
    """Everything in ``path`` that is not pixels: markers, exiftool tags, Pillow info/EXIF."""
    found = []
    raw = path.read_bytes()
    found += [f"marker {m}" for m in MARKERS if m.encode() in raw]
    if ICC_MARKER.encode("utf-16-be") in raw:
        found.append("ICC profile text")
    if ORIGINAL_STEM in path.name:
        found.append("original name")
    image = PILImage.open(path)
    found += [f"Pillow info {key}" for key in image.info if key in FORBIDDEN_INFO]
    found += [f"Pillow info text {key}" for key in getattr(image, "text", {}) or {}]
    if image.getexif():
        found.append(f"Pillow EXIF {dict(image.getexif())}")
    if exiftool:
        for name, value in exiftool_tags(exiftool, path).items():
            group, _, tag = name.partition(":")
            if name == "SourceFile" or group in ALLOWED_GROUPS:
                continue
            if group == "PNG" and tag in ALLOWED_PNG_TAGS:
                continue
            found.append(f"exiftool {name}={value}")
    return found
