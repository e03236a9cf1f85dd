"""Statements in sections, in the site's languages, linked as translations of each other.

Changes of state (publish, schedule, unpublish, revise, translation links) go through
``publishing.lifecycle``, which sends the signals other apps listen to.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samizdat import languages

from .markup import render_markdown

# Reserved besides what the URLconf says (see reserved_slugs): listing pages and file prefixes.
RESERVED_SLUGS = {"page", "static", "media", "admin"}


def _first_segment(pattern) -> str:
    """ "comments" for the route "comments/"; "" for "<slug:section>/" or an empty prefix."""
    first = str(pattern).lstrip("^").split("/")[0]
    return "" if re.search(r"[<>()\[\]?*+$\\]", first) else first


def reserved_slugs() -> set[str]:
    """Every fixed first path segment of the URLconf, under the language prefix and at the root.

    Derived from the URLconf (so a new app's prefix is refused without touching this list): a
    section slug equal to one of them would shadow that route or be shadowed by it (a section
    called "comments" made its statements' URLs resolve to the comment views).
    """
    from django.urls import URLResolver, get_resolver
    from django.urls.resolvers import LocalePrefixPattern

    segments = set(RESERVED_SLUGS)
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        segments.add(str(url).strip("/").split("/")[0])

    def walk(patterns) -> None:
        for entry in patterns:
            if isinstance(entry.pattern, LocalePrefixPattern):
                walk(entry.url_patterns)
                continue
            first = _first_segment(entry.pattern)
            if first:
                segments.add(first)
            elif isinstance(entry, URLResolver):
                walk(entry.url_patterns)  # include("…") under an empty prefix

    walk(get_resolver().url_patterns)
    return {s.casefold() for s in segments if s}


def validate_section_slug(value: str) -> None:
    if value.casefold() in reserved_slugs():
        raise ValidationError(
            _("“%(slug)s” is reserved for site URLs."), code="reserved", params={"slug": value}
        )


class Section(models.Model):
    slug = models.SlugField(_("slug"), unique=True, validators=[validate_section_slug])
    # {language code: name}, e.g. {"kk": "Мәлімдемелер"}: one key per language, so
    # a new language needs no new column (the admin shows one field per enabled language).
    names = models.JSONField(_("names"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.name_in()

    def name_in(self, language: str | None = None) -> str:
        """The name in ``language`` (default: the active one), else in the site's order."""
        return section_name(self.names, self.slug, language)

    @property
    def name(self) -> str:
        return self.name_in()

    def get_absolute_url(self, language: str | None = None) -> str:
        from .links import url

        return url("publishing:section", section=self.slug)


def section_name(names: dict | None, slug: str, language: str | None = None) -> str:
    """A section's name from its ``names``: the language's, the default's, any, the slug."""
    names = names if isinstance(names, dict) else {}
    for code in (language or languages.current(), *languages.codes()):
        if isinstance(names.get(code), str) and names[code].strip():
            return names[code]
    return slug


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from .links import url

        return url("publishing:tag", tag=self.slug)


class Image(models.Model):
    """An uploaded image, re-encoded without metadata, with width variants beside it."""

    file = models.ImageField(_("file"), upload_to="images/%Y/%m/")
    alt = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("Describe the image for readers who cannot see it. Required."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    # {"480": "images/2026/11/x-480w.jpg", ...}
    variants = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.alt[:60]

    def srcset(self) -> str:
        from django.core.files.storage import default_storage

        return ", ".join(
            f"{default_storage.url(path)} {width}w"
            for width, path in sorted(self.variants.items(), key=lambda kv: int(kv[0]))
        )


class TranslationGroup(models.Model):
    """Links the language versions of one statement."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("translation group")
        verbose_name_plural = _("translation groups")

    def __str__(self) -> str:
        return f"#{self.pk}"


class StatementQuerySet(models.QuerySet):
    def released(self) -> StatementQuerySet:
        """Published or scheduled with a time: public now, or by itself at its time."""
        return self.filter(status__in=Statement.RELEASED, published_at__isnull=False)

    def published(self) -> StatementQuerySet:
        """The only definition of "visible to the public" (``Statement.is_public`` mirrors it).

        A query-time rule: a scheduled statement is visible from its time on, with no job."""
        return self.released().filter(published_at__lte=timezone.now())

    def due(self) -> StatementQuerySet:
        """Visible, but listeners have not heard of it yet (scheduled ones whose time passed)."""
        return self.published().filter(announced_at__isnull=True)

    def in_language(self, language: str) -> StatementQuerySet:
        return self.filter(language=language)

    def for_listing(self) -> StatementQuerySet:
        """Newest first in the order of the listing indexes; no Markdown source (never shown)."""
        return (
            self.select_related("section", "lead_image")
            .defer("body")
            .order_by("-published_at", "-pk")
        )

    def for_list_page(self) -> StatementQuerySet:
        """``for_listing`` for HTML listings, which show summaries only: no body at all."""
        return self.for_listing().defer("body", "body_html")


class Statement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=True)
    # Callable choices: enabling a language (SAMIZDAT_LANGUAGES) needs no migration.
    language = models.CharField(
        _("language"), max_length=languages.MAX_CODE_LENGTH, choices=languages.choices
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="statements", verbose_name=_("section")
    )
    issuer = models.CharField(
        _("issuer line"),
        max_length=300,
        blank=True,
        help_text=_("The body that issues the statement, e.g. “Political Council of …”."),
    )
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    lead_image = models.ForeignKey(
        Image,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead image"),
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="statements", verbose_name=_("tags")
    )
    translation_group = models.ForeignKey(
        TranslationGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("translation group"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True, db_index=True)
    # When ``statement_published`` was sent (by lifecycle.publish or, for a scheduled statement,
    # the periodic job once its time passed); None while listeners have not heard of it.
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StatementQuerySet.as_manager()
    RELEASED = (Status.PUBLISHED, Status.SCHEDULED)  # statuses that can be public

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "slug"], name="statement_slug_per_language"
            ),
            models.UniqueConstraint(
                fields=["translation_group", "language"], name="one_version_per_language"
            ),
        ]
        # Listings and feeds read the newest N of a language (and section) in index order
        # and stop after N: equality columns first, then the ORDER BY (-published_at, -id),
        # then status so that published() is checked in the index (docs/performance.md).
        # (language, status, published_at) made every listing sort the whole archive.
        indexes = [
            models.Index(
                fields=["language", "-published_at", "-id", "status"], name="statement_listing"
            ),
            models.Index(
                fields=["section", "language", "-published_at", "-id", "status"],
                name="statement_section_listing",
            ),
            # The sitemap's newest-change-per-listing aggregates, read from the index alone
            # (not from rows that carry the full text).
            models.Index(
                fields=["status", "language", "section", "published_at", "updated_at"],
                name="statement_sitemap",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.status == self.Status.SCHEDULED and not self.published_at:
            raise ValidationError({"published_at": _("A scheduled statement needs a time.")})

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body)
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from .links import statement_url

        return statement_url(self.language, self.section.slug, self.slug)

    @property
    def is_released(self) -> bool:
        """The instance form of ``Statement.objects.released()``."""
        return self.status in self.RELEASED and self.published_at is not None

    @property
    def is_public(self) -> bool:
        """The instance form of ``Statement.objects.published()``."""
        return self.is_released and self.published_at <= timezone.now()

    def translations(self) -> list[Statement]:
        """Published other-language versions (uses the prefetch cache when present)."""
        if self.translation_group_id is None:
            return []
        cache = getattr(self, "_prefetched_translations", None)
        if cache is not None:
            return cache
        return languages.sort_by_language(
            Statement.objects.published()
            .filter(translation_group_id=self.translation_group_id)
            .exclude(pk=self.pk)
            .select_related("section")
        )


class Page(models.Model):
    """A simple page such as About or Contacts; versions share a slug across languages."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"))
    language = models.CharField(
        _("language"), max_length=languages.MAX_CODE_LENGTH, choices=languages.choices
    )
    body = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    order = models.PositiveSmallIntegerField(_("order in footer"), default=0)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="page_slug_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.utils.translation import override

        with override(self.language):
            return reverse("publishing:page", kwargs={"slug": self.slug})
