"""A translated statement with an image and tags, plus helpers to fetch and count."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from samizdat.publishing.images import process_upload
from samizdat.publishing.models import Image, TranslationGroup
from samizdat.publishing.tests.factories import make_section, make_statement

ISSUERS = {
    "ru": "Политический совет движения «Ашық Дала»",
    "kk": "«Ашық Дала» қозғалысының Саяси кеңесі",
    "en": "Political Council of the Open Steppe Movement",
}
TITLES = {
    "ru": "О воде & реках <степи>",
    "kk": "Су мен өзендер туралы",
    "en": "On water and rivers",
}
BODIES = {
    "ru": "Реки степи мелеют.\n\n![Карта](/media/maps/river.png)\n\n[Подробнее](../water/)",
    "kk": "Дала өзендері тартылып барады.",
    "en": "The steppe rivers are drying up.",
}


def make_image(width: int = 1700, height: int = 500) -> Image:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), (40, 120, 90)).save(out, "JPEG")
    info = process_upload(out.getvalue(), "river.jpg")
    return Image.objects.create(
        file=info["path"],
        alt="Высохшее русло реки",
        caption="Русло летом",
        width=info["width"],
        height=info["height"],
        variants=info["variants"],
    )


@pytest.fixture
def water(db):
    """The same statement in ru, kk and en, in section "analysis", tagged "water"."""
    group = TranslationGroup.objects.create()
    image = make_image()
    make_section("analysis")
    return {
        code: make_statement(
            title=TITLES[code],
            language=code,
            slug=f"water-{code}",
            issuer=ISSUERS[code],
            body=BODIES[code],
            summary=f"summary {code}",
            translation_group=group,
            lead_image=image,
            tags=["water"],
        )
        for code in ("ru", "kk", "en")
    }


def count_queries(client, url: str) -> tuple[int, object]:
    """Queries of a request after a first one (which fills the navigation cache)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response
