"""Moderation in the Django admin: filters by status, statement and reason; bulk actions."""

from __future__ import annotations

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import BlockedTerm, Comment, CommentPolicy, ModeratorMailOptOut, Reason


class ReasonFilter(admin.SimpleListFilter):
    title = _("reason held")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return Reason.choices

    def queryset(self, request, queryset):
        if self.value() in Reason.values:
            return queryset.with_reason(self.value())
        return queryset


DONE = {
    Comment.Status.APPROVED: lambda n: ngettext(
        "%(count)d comment approved.", "%(count)d comments approved.", n
    ),
    Comment.Status.SPAM: lambda n: ngettext(
        "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", n
    ),
    Comment.Status.REMOVED: lambda n: ngettext(
        "%(count)d comment removed.", "%(count)d comments removed.", n
    ),
}


def _moderation_action(status: str, label):
    def action(modeladmin, request, queryset):
        changed = services.moderate(
            queryset.select_related("statement__section", "parent"), status, request.user
        )
        modeladmin.message_user(request, DONE[status](changed) % {"count": changed})

    action.__name__ = f"mark_{status}"
    action.short_description = label
    action.allowed_permissions = ("change",)
    return action


approve = _moderation_action(Comment.Status.APPROVED, _("Approve selected comments"))
mark_spam = _moderation_action(Comment.Status.SPAM, _("Mark selected comments as spam"))
remove = _moderation_action(Comment.Status.REMOVED, _("Remove selected comments from the site"))


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["short_text", "name", "statement", "status", "held_because", "created_at"]
    list_filter = [
        "status",
        ReasonFilter,
        ("statement", admin.RelatedOnlyFieldListFilter),
        "language",
    ]
    search_fields = ["name", "text", "=ip_hash"]
    list_select_related = ["statement"]
    date_hierarchy = "created_at"
    actions = [approve, mark_spam, remove]
    list_per_page = 50
    fields = [
        "statement",
        "parent",
        "name",
        "text",
        "status",
        "held_because",
        "reply_notifications",
        "created_at",
        "moderated_at",
        "moderated_by",
        "ip_hash",
    ]
    # The subscriber's address is never shown: moderation does not need it (issue 11).
    readonly_fields = [
        "statement",
        "parent",
        "held_because",
        "reply_notifications",
        "created_at",
        "moderated_at",
        "moderated_by",
        "ip_hash",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("text"))
    def short_text(self, obj: Comment) -> str:
        return Truncator(obj.text).chars(80)

    @admin.display(description=_("reasons held"))
    def held_because(self, obj: Comment) -> str:
        return "; ".join(obj.reason_labels()) or "—"

    @admin.display(description=_("reply notifications"))
    def reply_notifications(self, obj: Comment) -> str:
        if not obj.notify_replies:
            return str(_("off"))
        if obj.email_confirmed:
            return str(_("on (address confirmed)"))
        return str(_("awaiting the address owner's confirmation"))

    def save_model(self, request, obj, form, change) -> None:
        if change and "status" in form.changed_data:
            new_status = obj.status
            obj.status = form.initial.get("status", obj.status)
            super().save_model(request, obj, form, change)
            services.moderate([obj], new_status, request.user)
        else:
            super().save_model(request, obj, form, change)


@admin.register(ModeratorMailOptOut)
class ModeratorMailOptOutAdmin(admin.ModelAdmin):
    """Moderators who stopped moderation mail by one click; delete a row to resume their mail."""

    list_display = ["user", "created_at"]
    raw_id_fields = ["user"]


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "action", "note", "created_at"]
    list_filter = ["kind", "action"]
    search_fields = ["term", "note"]


@admin.register(CommentPolicy)
class CommentPolicyAdmin(admin.ModelAdmin):
    list_display = ["statement", "comments_open"]
    list_filter = ["comments_open"]
    raw_id_fields = ["statement"]
