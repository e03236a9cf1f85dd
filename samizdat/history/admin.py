"""History in the admin: a change note and a hidden revision number on the edit form (two
editors saving at once: the second gets a conflict message, their text kept), the revision list
with word diffs and restore, and the per-language translation status table."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samizdat import languages
from samizdat.publishing.admin import PageAdmin, StatementAdmin
from samizdat.publishing.models import Page, Statement

from . import diff, freshness, services
from .models import Revision, TranslationState


class HistoryFields(forms.Form):
    change_note = forms.CharField(
        label=gettext_lazy("change note"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("What changed and why, in a few words (shown to readers)."),
    )
    is_correction = forms.BooleanField(
        label=gettext_lazy("public correction"),
        required=False,
        help_text=gettext_lazy("Show this change on the page as a correction, with its note."),
    )
    base_revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


def _with_history(form_class):
    """``form_class`` plus the history fields and the optimistic-locking check."""

    class Form(form_class):
        change_note = HistoryFields.base_fields["change_note"]
        is_correction = HistoryFields.base_fields["is_correction"]
        base_revision = HistoryFields.base_fields["base_revision"]

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["base_revision"].initial = services.latest_number(self.instance)

        def clean(self):
            data = super().clean()
            if self.instance.pk is None:
                return data
            # Lock the row (the admin's transaction holds it until the save is done), so two
            # saves at once are checked one after the other.
            type(self.instance).objects.select_for_update().filter(pk=self.instance.pk).first()
            current = services.latest(self.instance)
            base = data.get("base_revision") or 0
            if current is not None and current.number != base:
                # Show the form again with the editor's text; saving again overwrites knowingly.
                self.data = self.data.copy()
                self.data[self.add_prefix("base_revision")] = str(current.number)
                who = current.author.get_username() if current.author else _("someone")
                raise ValidationError(
                    _(
                        "Someone else saved this while you were editing: revision %(number)s "
                        "by %(who)s. Your changes are NOT saved yet and are kept in the form "
                        "below. Compare them with the revision history, then save again to "
                        "replace the other version with yours."
                    )
                    % {"number": current.number, "who": who},
                    code="conflict",
                )
            return data

    Form.__name__ = f"History{form_class.__name__}"
    return Form


HISTORY_FIELDSET = (
    gettext_lazy("Change"),
    {"fields": ["change_note", "is_correction", "base_revision", "history_link"]},
)


class HistoryMixin:
    """Revision list, diff and restore for a model admin whose saves record revisions."""

    def history_link(self, obj) -> str:
        if obj is None or not obj.pk:
            return "—"
        url = reverse(f"admin:{self._key()}_revisions", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a>',
            url,
            _("Revision history (%(count)s)") % {"count": services.latest_number(obj)},
        )

    history_link.short_description = gettext_lazy("history")

    def _key(self) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}"

    def get_urls(self):
        key = self._key()
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/revisions/", wrap(self.revisions_view), name=f"{key}_revisions"),
            path(
                "<int:pk>/revisions/<int:number>/restore/",
                wrap(self.restore_view),
                name=f"{key}_restore",
            ),
        ] + super().get_urls()

    def _object(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.model, pk=pk)

    def revisions_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._object(request, pk)
        revisions = list(services.revisions_of(obj).select_related("author").order_by("-number"))
        numbers = [r.number for r in revisions]
        compared = None
        try:
            a = int(request.GET.get("a", 0))
            b = int(request.GET.get("b", 0))
        except ValueError:
            a = b = 0
        if not (a and b) and len(numbers) >= 2:
            a, b = numbers[1], numbers[0]
        by_number = {r.number: r for r in revisions}
        if a and b:
            if a not in by_number or b not in by_number:
                messages.error(request, _("There is no such revision."))
            else:
                old, new = by_number[a], by_number[b]
                compared = {"old": old, "new": new, "changes": diff.compare(old.data, new.data)}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": _("Revision history: %(object)s") % {"object": obj},
            "revisions": revisions,
            "compared": compared,
            "a": a,
            "b": b,
            "restore_url": f"admin:{self._key()}_restore",
            "can_change": self.has_change_permission(request, obj),
        }
        return TemplateResponse(request, "history/admin/revisions.html", context)

    def restore_view(self, request: HttpRequest, pk: int, number: int) -> HttpResponse:
        obj = self._object(request, pk)
        back = reverse(f"admin:{self._key()}_revisions", args=[pk])
        if request.method != "POST":
            return HttpResponseRedirect(back)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        revision = services.revisions_of(obj).filter(number=number).first()
        if revision is None:
            messages.error(request, _("There is no such revision."))
            return HttpResponseRedirect(back)
        try:
            new = services.restore(obj, revision, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(back)
        messages.success(
            request,
            _("Revision %(old)s restored as revision %(new)s.")
            % {"old": number, "new": new.number if new else number},
        )
        return HttpResponseRedirect(back)


# Build on whatever admin is registered for statements now (authenticity adds signing to it),
# so every app's additions stay: apps listed later in INSTALLED_APPS register later.
_Base = (
    type(admin.site._registry[Statement]) if admin.site.is_registered(Statement) else StatementAdmin
)


class HistoryStatementAdmin(HistoryMixin, _Base):
    form = _with_history(_Base.form)
    readonly_fields = [*_Base.readonly_fields, "history_link", "translation_freshness"]
    fieldsets = [
        *_Base.fieldsets[:-2],
        (
            _Base.fieldsets[-2][0],
            {
                "fields": [
                    *_Base.fieldsets[-2][1]["fields"],
                    "translation_freshness",
                ]
            },
        ),
        HISTORY_FIELDSET,
        _Base.fieldsets[-1],
    ]
    actions = [
        *_Base.actions,
        "mark_checked",
        "make_original",
        "machine_translate",
        "mark_reviewed",
    ]

    def save_model(self, request, obj, form, change):
        with services.revision_context(
            form.cleaned_data.get("change_note", ""), form.cleaned_data.get("is_correction", False)
        ) as ctx:
            request._history_context = ctx
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        ctx = getattr(request, "_history_context", None)
        with services.revision_context(ctx.note if ctx else "") as new:
            if ctx is not None:
                new.created = ctx.created
            services.sync_tags(form.instance, request.user)

    @admin.display(description=gettext_lazy("translation status"))
    def translation_freshness(self, obj) -> str:
        if obj is None or not obj.pk or not obj.translation_group_id:
            return "—"
        state = freshness.state_of(obj)
        label = freshness_label(state)
        if state != freshness.OUTDATED:
            return label
        source, latest, changes = freshness.changes_since(obj)
        parts = [format_html("<strong>{}</strong>", label)]
        if source is not None:
            parts.append(
                format_html(
                    "<p>{}</p>",
                    _("Changes in the original since revision %(old)s (now %(new)s):")
                    % {"old": source.number, "new": latest.number},
                )
            )
            for change in changes:
                parts.append(
                    format_html(
                        '<div class="history-diff"><h4>{}</h4><p>{}</p></div>',
                        change.label,
                        change.html,
                    )
                )
        parts.append(
            format_html(
                "<p>{}</p>",
                _("After updating, select it in the list and use “Mark translation as checked”."),
            )
        )
        return format_html("".join(["{}"] * len(parts)), *parts)

    @admin.action(description=gettext_lazy("Mark translation as checked"), permissions=["change"])
    def mark_checked(self, request, queryset):
        done = 0
        for statement in queryset:
            try:
                freshness.mark_checked(statement)
            except ValidationError as error:
                self.message_user(request, f"{statement}: {' '.join(error.messages)}", "error")
            else:
                done += 1
        if done:
            self.message_user(request, _("%(count)s marked as checked.") % {"count": done})

    @admin.action(description=gettext_lazy("Make the original version"), permissions=["change"])
    def make_original(self, request, queryset):
        for statement in queryset:
            freshness.set_original(statement)
        self.message_user(request, _("Original versions set."))

    @admin.action(
        description=gettext_lazy("Machine-translate into the missing languages (drafts)"),
        permissions=["add"],
    )
    def machine_translate(self, request, queryset):
        from . import machine

        if machine.backend() is None:
            self.message_user(
                request,
                _("Machine translation is off (set SAMIZDAT_MT_BACKEND and SAMIZDAT_MT_URL)."),
                messages.WARNING,
            )
            return
        made = 0
        for statement in queryset:
            have = {m.language for m in freshness.group_of(statement)}
            for code in languages.codes():
                if code in have:
                    continue
                try:
                    machine.make_draft(statement, code, actor=request.user)
                except machine.MachineTranslationError as error:
                    self.message_user(request, f"{statement} → {code}: {error}", messages.ERROR)
                else:
                    made += 1
        if made:
            self.message_user(
                request,
                _(
                    "%(count)s machine-translated drafts made. They are labelled as machine "
                    "translations and stay drafts until an editor publishes them."
                )
                % {"count": made},
                messages.SUCCESS,
            )

    @admin.action(
        description=gettext_lazy("Mark machine translation as reviewed by a person"),
        permissions=["change"],
    )
    def mark_reviewed(self, request, queryset):
        for state in TranslationState.objects.filter(statement__in=queryset, machine_made=True):
            state.reviewed = True
            state.save()
        self.message_user(request, _("Marked as reviewed."))

    def get_urls(self):
        return [
            path(
                "translation-status/",
                self.admin_site.admin_view(self.status_view),
                name="history_translation_status",
            )
        ] + super().get_urls()

    def status_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        language = request.GET.get("language") or None
        state = request.GET.get("state") or None
        if language not in (None, *languages.codes()):
            raise Http404
        if state not in (None, *STATES):
            raise Http404
        rows = freshness.table(language, state)
        for row in rows:
            for cell in row["cells"]:
                cell["label"] = freshness_label(cell["state"])
                if cell["member"] is not None:
                    cell["url"] = reverse(
                        "admin:publishing_statement_change", args=[cell["member"].pk]
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Translation status"),
            "rows": rows,
            "codes": languages.codes(),
            "choices": languages.choices(),
            "states": [(s, freshness_label(s)) for s in STATES],
            "language": language,
            "state": state,
        }
        return TemplateResponse(request, "history/admin/status.html", context)


STATES = [freshness.CURRENT, freshness.OUTDATED, freshness.MISSING, freshness.UNKNOWN]


def freshness_label(state: str) -> str:
    return {
        freshness.ORIGINAL: _("original"),
        freshness.CURRENT: _("up to date"),
        freshness.OUTDATED: _("outdated"),
        freshness.MISSING: _("missing"),
        freshness.UNKNOWN: _("not checked"),
    }[state]


class HistoryPageAdmin(HistoryMixin, PageAdmin):
    form = _with_history(forms.ModelForm)
    readonly_fields = ["history_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "language", "body", "order", "is_published"]}),
        HISTORY_FIELDSET,
    ]

    def save_model(self, request, obj, form, change):
        with services.revision_context(
            form.cleaned_data.get("change_note", ""), form.cleaned_data.get("is_correction", False)
        ):
            super().save_model(request, obj, form, change)
            services.record(obj, request.user)


@admin.register(TranslationState)
class TranslationStateAdmin(admin.ModelAdmin):
    list_display = ["statement", "is_original", "source_revision", "machine_made", "reviewed"]
    list_filter = ["is_original", "machine_made", "reviewed"]
    raw_id_fields = ["statement", "source_revision"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)


def _reregister(model, admin_class) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, admin_class)


_reregister(Statement, HistoryStatementAdmin)
_reregister(Page, HistoryPageAdmin)
__all__ = ["Revision"]
