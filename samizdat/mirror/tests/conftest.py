"""A small multilingual site built with the factories, and an export helper."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache
from PIL import Image as PILImage

from samizdat.mirror.export import export_mirror
from samizdat.publishing.images import process_upload
from samizdat.publishing.models import Image, Page, Statement
from samizdat.publishing.tests.factories import link, make_section, make_statement


@dataclass
class Site:
    ru: Statement
    kk: Statement
    en: Statement
    other: Statement
    draft: Statement
    image: Image


def make_image() -> Image:
    out = io.BytesIO()
    PILImage.new("RGB", (1200, 600), (30, 90, 40)).save(out, "JPEG")
    processed = process_upload(out.getvalue(), "steppe.jpg")
    return Image.objects.create(
        file=processed["path"],
        alt="Степь",
        width=processed["width"],
        height=processed["height"],
        variants=processed["variants"],
    )


@pytest.fixture
def site(db) -> Site:
    cache.clear()
    analysis = make_section("analysis")
    news = make_section("news", name_ru="Новости", name_kk="Жаңалықтар", name_en="News")
    image = make_image()
    ru = make_statement(
        "Вода и тарифы",
        section=analysis,
        slug="voda",
        tags=["water"],
        lead_image=image,
        summary="Почему тарифы на воду выросли втрое.",
        body="О **тарифах**.\n\n[Новости](/ru/news/) и [о нас](/ru/pages/about/).",
    )
    kk = make_statement(
        "Су және тарифтер", language="kk", section=analysis, slug="su", tags=["water"]
    )
    en = make_statement("Water and tariffs", language="en", section=analysis, slug="water")
    link(ru, kk, en)
    other = make_statement("Солидарность с шахтёрами", section=news, slug="shahtyory")
    draft = make_statement("Черновик", slug="chernovik", status=Statement.Status.DRAFT)
    Page.objects.create(title="О нас", slug="about", language="ru", body="Мы — движение.")
    Page.objects.create(title="About", slug="about", language="en", body="We are a movement.")
    return Site(ru, kk, en, other, draft, image)


@pytest.fixture
def export(tmp_path: Path):
    """export(**options) → ExportResult, into tmp_path / "mirror"."""
    target = tmp_path / "mirror"

    def run(**options):
        return export_mirror(target, **options)

    run.target = target
    return run


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
