"""Admin arranged for editors who are not programmers."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, override

from .images import process_upload
from .models import Image, Page, Section, Statement, Tag, TranslationGroup


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_ru", "name_kk", "name_en", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class UploadedImageField(forms.ImageField):
    """Says "too large" (the upload handler kept no bytes past the limit) before "not an image"."""

    def to_python(self, data):
        if data is not None and getattr(data, "size", 0) > settings.IMAGE_MAX_BYTES:
            raise ValidationError(_("The image file is too large."))
        return super().to_python(data)


class ImageForm(forms.ModelForm):
    """The upload is re-encoded in clean_file; only the cleaned files are ever stored."""

    class Meta:
        model = Image
        fields = ["file", "alt", "caption"]
        field_classes = {"file": UploadedImageField}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not (upload and hasattr(upload, "read") and not getattr(upload, "_committed", False)):
            return upload
        try:
            upload.seek(0)
            data = upload.read()
        finally:
            upload.close()  # a temporary file (if any) goes now, not at the end of the request
        self._processed = process_upload(data)
        # A path, not the upload: the model's FileField then has nothing of the original to save.
        return self._processed["path"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "alt", "caption", "width", "height", "created_at"]
    search_fields = ["alt", "caption"]
    readonly_fields = ["thumbnail", "width", "height"]

    @admin.display(description=_("preview"))
    def thumbnail(self, obj: Image) -> str:
        if not obj.file:
            return "—"
        return format_html('<img src="{}" alt="{}" width="120">', obj.file.url, obj.alt)

    def save_model(self, request, obj, form, change):
        processed = getattr(form, "_processed", None)
        if processed:
            obj.file.name = processed["path"]
            obj.width, obj.height = processed["width"], processed["height"]
            obj.variants = processed["variants"]
        super().save_model(request, obj, form, change)


class StatementForm(forms.ModelForm):
    translation_of = forms.ModelChoiceField(
        queryset=Statement.objects.all(),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Statement
        fields = "__all__"
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "class": "vLargeTextField"})}

    def clean(self):
        data = super().clean()
        source = data.get("translation_of")
        language = data.get("language")
        if source and language:
            group = source.translation_group_id
            if source.language == language or (
                group
                and Statement.objects.filter(translation_group_id=group, language=language)
                .exclude(pk=self.instance.pk)
                .exists()
            ):
                raise ValidationError(
                    _("“%(title)s” already has a version in this language."),
                    params={"title": source.title},
                )
        return data


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    form = StatementForm
    list_display = ["title", "language", "section", "status", "published_at", "versions"]
    list_filter = ["status", "language", "section", "tags"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    raw_id_fields = ["lead_image"]
    readonly_fields = ["translation_links", "preview", "updated_at"]
    list_select_related = ["section"]
    actions = ["publish_now", "schedule", "unpublish"]
    save_on_top = True

    class Media:
        css = {"all": ["samizdat/admin.css"]}

    fieldsets = [
        (None, {"fields": ["title", "slug", "language", "section", "issuer", "summary", "body"]}),
        (_("Image and tags"), {"fields": ["lead_image", "tags"]}),
        (_("Publication"), {"fields": ["status", "published_at", "updated_at"]}),
        (_("Translations"), {"fields": ["translation_links", "translation_of"]}),
        (_("Preview"), {"fields": ["preview"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translation_group__statements")

    @admin.display(description=_("versions"))
    def versions(self, obj: Statement) -> str:
        if not obj.translation_group_id:
            return obj.language
        return ", ".join(sorted(s.language for s in obj.translation_group.statements.all()))

    @admin.display(description=_("language versions"))
    def translation_links(self, obj: Statement) -> str:
        if not obj.pk:
            return _("Save the statement first; then you can add versions in other languages.")
        existing = {
            s.language: s
            for s in Statement.objects.filter(translation_group_id=obj.translation_group_id)
            if obj.translation_group_id
        }
        parts = []
        for code, name in settings.LANGUAGES:
            if code == obj.language:
                continue
            if code in existing:
                other = existing[code]
                url = reverse("admin:publishing_statement_change", args=[other.pk])
                parts.append(format_html('<a href="{}">{}: {}</a>', url, name, other.title))
            else:
                query = urlencode(
                    {
                        "translation_of": obj.pk,
                        "language": code,
                        "section": obj.section_id,
                        "issuer": obj.issuer,
                    }
                )
                url = f"{reverse('admin:publishing_statement_add')}?{query}"
                parts.append(
                    format_html(
                        '<a class="addlink" href="{}">{}</a>',
                        url,
                        _("Add the %(language)s version") % {"language": name},
                    )
                )
        return format_html_join(mark_safe("<br>"), "{}", ((p,) for p in parts))

    @admin.display(description=_("rendered text"))
    def preview(self, obj: Statement) -> str:
        if not obj.pk:
            return _("The preview appears after the first save.")
        url = reverse("admin:publishing_statement_preview", args=[obj.pk])
        return format_html(
            '<p><a href="{}" target="_blank">{}</a></p><div class="samizdat-preview">{}</div>',
            url,
            _("Open the page as readers will see it"),
            mark_safe(obj.body_html),  # sanitised by render_markdown on save
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        source = form.cleaned_data.get("translation_of")
        if source:
            source.link_translation(obj)

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="publishing_statement_preview",
            )
        ] + super().get_urls()

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise Http404
        statement = get_object_or_404(
            Statement.objects.select_related("section", "lead_image"), pk=pk
        )
        statement._prefetched_translations = []
        with override(statement.language):
            return render(request, "publishing/statement.html", {"statement": statement})

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset):
        now = timezone.now()
        count = 0
        for statement in queryset:
            statement.status = Statement.Status.PUBLISHED
            if not statement.published_at or statement.published_at > now:
                statement.published_at = now
            statement.save()
            count += 1
        self.message_user(
            request,
            ngettext("%d statement published.", "%d statements published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Schedule at their publication time"), permissions=["change"])
    def schedule(self, request, queryset):
        now = timezone.now()
        ok = 0
        for statement in queryset:
            if statement.published_at and statement.published_at > now:
                statement.status = Statement.Status.SCHEDULED
                statement.save()
                ok += 1
        skipped = queryset.count() - ok
        self.message_user(
            request,
            ngettext("%d statement scheduled.", "%d statements scheduled.", ok) % ok,
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d statement has no future publication time; set one first.",
                    "%d statements have no future publication time; set one first.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )

    @admin.action(description=_("Return to draft"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = 0
        for statement in queryset:
            statement.status = Statement.Status.DRAFT
            statement.save()
            count += 1
        self.message_user(
            request,
            ngettext("%d statement returned to draft.", "%d statements returned to draft.", count)
            % count,
            messages.SUCCESS,
        )


@admin.register(TranslationGroup)
class TranslationGroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "members"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("statements")

    @admin.display(description=_("statements"))
    def members(self, obj: TranslationGroup) -> str:
        return "; ".join(f"{s.language}: {s.title}" for s in obj.statements.all())


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "language", "order", "is_published"]
    list_filter = ["language", "is_published"]
    prepopulated_fields = {"slug": ["title"]}


admin.site.site_header = _("samizdat administration")
admin.site.site_title = _("samizdat")
admin.site.index_title = _("Publishing desk")
