"""Every write the importer makes to publishing's models, in one place.

Statements go through publishing's lifecycle services (``apply_status``,
``link_translation``), so search, signing and the other listeners hear about them as they
would about an editor's work.
"""

from __future__ import annotations

from django.core.files.storage import default_storage

from samizdat import languages
from samizdat.publishing import images, lifecycle
from samizdat.publishing.models import Image, Page, Section, Statement, Tag, reserved_slugs

from .slugs import ascii_slug, unicode_slug


def free_slug(model, base: str, language: str, exclude_pk, max_length: int) -> str:
    """``base``, or ``base-2``, ``base-3``… if another row in the language has it."""
    base = base[:max_length].strip("-") or "item"
    candidate, n = base, 1
    rows = model.objects.filter(language=language)
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    while rows.filter(slug=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)] + suffix
    return candidate


def ensure_section(slug: str, names: dict[str, str]) -> tuple[Section, bool]:
    """The section with ``slug``, created with the category's name(s) if missing.

    ``names`` maps language → name; a language without its own name gets the first one.
    """
    slug = ascii_slug(slug) or "archive"
    if slug.casefold() in reserved_slugs():  # would shadow a site URL ("tags", "comments" …)
        slug = f"{slug}-wp"
    section = Section.objects.filter(slug=slug).first()
    if section is not None:
        return section, False
    fallback = next(iter(names.values()), slug)[:100]
    section = Section.objects.create(
        slug=slug, names={code: (names.get(code) or fallback)[:100] for code in languages.codes()}
    )
    return section, True


def ensure_tag(slug: str, name: str) -> tuple[Tag, bool]:
    slug = unicode_slug(slug, 50) or unicode_slug(name, 50) or "tag"
    tag = Tag.objects.filter(slug=slug).first()
    if tag is not None:
        return tag, False
    return Tag.objects.create(slug=slug, name=(name or slug)[:100]), True


def save_statement(statement: Statement | None, fields: dict, tags: list[Tag]) -> Statement:
    """Create or update a statement from imported ``fields`` (status and time included)."""
    statement = statement or Statement()
    for name, value in fields.items():
        setattr(statement, name, value)
    lifecycle.apply_status(statement)
    statement.tags.set(tags)
    return statement


def link_translations(statements: list[Statement]) -> int:
    """Put imported language versions into one translation group; return how many moved."""
    if len(statements) < 2:
        return 0
    first, moved = statements[0], 0
    for other in statements[1:]:
        if other.translation_group_id is None or other.translation_group_id != (
            first.translation_group_id
        ):
            lifecycle.link_translation(first, other)
            moved += 1
    return moved


def save_page(page: Page | None, fields: dict) -> Page:
    page = page or Page()
    for name, value in fields.items():
        setattr(page, name, value)
    page.save()
    return page


def store_image(data: bytes, name: str, alt: str, caption: str = "") -> Image:
    """An attachment through the same intake as uploads (metadata stripped, variants made)."""
    stored = images.process_upload(data, name)
    return Image.objects.create(
        file=stored["path"],
        alt=(alt or name)[:300],
        caption=caption[:300],
        width=stored["width"],
        height=stored["height"],
        variants=stored["variants"],
    )


def image_files(image: Image) -> list[str]:
    """Every stored file of an image (to delete them if the import is rolled back)."""
    return sorted({image.file.name, *image.variants.values()})


def delete_files(paths: list[str]) -> None:
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:
            pass
