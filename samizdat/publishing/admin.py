"""Admin arranged for editors who are not programmers."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
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

from samizdat import languages

from . import lifecycle
from .images import process_upload
from .models import Image, Page, Section, Statement, Tag, TranslationGroup


class SectionForm(forms.ModelForm):
    """One name field per enabled language (``name_<code>``), stored in ``Section.names``."""

    class Meta:
        model = Section
        fields = ["slug", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = self.instance.names if isinstance(self.instance.names, dict) else {}
        for index, language in enumerate(languages.enabled()):
            self.fields[f"name_{language.code}"] = forms.CharField(
                label=_("name (%(language)s)") % {"language": language.label},
                max_length=100,
                required=index == 0,  # the default language's name is required
                initial=names.get(language.code, ""),
            )

    def save(self, commit=True):
        names = dict(self.instance.names) if isinstance(self.instance.names, dict) else {}
        for code in languages.codes():
            value = self.cleaned_data.get(f"name_{code}", "").strip()
            if value:
                names[code] = value
            else:
                names.pop(code, None)
        self.instance.names = names  # names of languages no longer enabled are kept
        return super().save(commit)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    form = SectionForm
    list_display = ["slug", "display_names", "order"]
    list_editable = ["order"]

    def get_fields(self, request, obj=None):
        return ["slug", *(f"name_{code}" for code in languages.codes()), "order"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The name fields are the form's own (made per language), not model fields.
        kwargs["fields"] = ["slug", "order"]
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description=_("names"))
    def display_names(self, obj: Section) -> str:
        names = obj.names if isinstance(obj.names, dict) else {}
        return " · ".join(names[c] for c in languages.codes() if names.get(c))


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt", "caption"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "read") and not getattr(upload, "_committed", False):
            upload.seek(0)
            self._processed = process_upload(upload.read(), upload.name)
        return upload


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
        return ", ".join(
            languages.sort_codes(s.language for s in obj.translation_group.statements.all())
        )

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
        for code, name in languages.choices():
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
        """Through the lifecycle, so the right signal follows the commit (after the tags)."""
        lifecycle.apply_status(obj, actor=request.user, changed=form.changed_data)
        source = form.cleaned_data.get("translation_of")
        if source:
            lifecycle.link_translation(source, obj, actor=request.user)

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

    def _each(self, request, queryset, service) -> int:
        """Apply a lifecycle service to each statement; report the ones it refuses."""
        done = 0
        for statement in queryset:
            try:
                service(statement, actor=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{statement}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                done += 1
        return done

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset):
        count = self._each(request, queryset, lifecycle.publish)
        self.message_user(
            request,
            ngettext("%d statement published.", "%d statements published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Schedule at their publication time"), permissions=["change"])
    def schedule(self, request, queryset):
        now = timezone.now()
        future = [s for s in queryset if s.published_at and s.published_at > now]
        ok = self._each(request, future, lifecycle.schedule)
        skipped = queryset.count() - len(future)
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
        count = self._each(request, queryset, lifecycle.unpublish)
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
