"""Admin: subscribers, sends with their progress, and the "Send to newsletter" action on
statements (an editor's explicit choice, with a confirmation page; never automatic)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samizdat.accounts import audit
from samizdat.publishing.models import Statement

from . import sending
from .models import Delivery, Send, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "created_at", "confirmed_at"]
    list_filter = ["language", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["email", "language", "created_at", "confirmed_at"]

    def has_add_permission(self, request) -> bool:
        return False  # only the address owner subscribes (double opt-in)


@admin.register(Send)
class SendAdmin(admin.ModelAdmin):
    list_display = ["statement", "language", "state", "progress", "created_at", "finished_at"]
    list_filter = ["state", "language"]
    fields = ["statement", "language", "state", "progress", "created_by", "created_at"]
    fields += ["started_at", "finished_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # sends start from the statements' action

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("progress"))
    def progress(self, send: Send) -> str:
        counts = send.counts()
        shown = ", ".join(f"{Delivery.State(k).label}: {v}" for k, v in counts.items() if v)
        return shown or "—"


def send_to_newsletter(modeladmin, request, queryset):
    """Confirm, then queue each chosen public statement for its language's list."""
    statements = list(queryset.select_related("section"))
    public = [s for s in statements if s.is_public]
    if request.POST.get("confirm") != "yes":
        rows = [
            {
                "statement": s,
                "recipients": Subscriber.objects.confirmed().filter(language=s.language).count(),
                "already": Send.objects.filter(statement=s).exists(),
            }
            for s in public
        ]
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": _("Send to the newsletter"),
            "rows": rows,
            "skipped": [s for s in statements if not s.is_public],
            "queryset": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        }
        return TemplateResponse(request, "newsletter/admin/confirm_send.html", context)
    queued = 0
    for statement in public:
        send, created = sending.start_send(statement, actor=request.user)
        if created:
            queued += 1
            audit.record(
                "newsletter.send",
                actor=request.user,
                obj=statement,
                request=request,
                language=statement.language,
                recipients=send.total,
            )
    modeladmin.message_user(
        request,
        ngettext(
            "%(n)d statement queued for the newsletter.",
            "%(n)d statements queued for the newsletter.",
            queued,
        )
        % {"n": queued},
        messages.SUCCESS if queued else messages.WARNING,
    )
    return None


send_to_newsletter.short_description = _("Send to the newsletter")
send_to_newsletter.allowed_permissions = ("change",)

# The statements' admin (publishing's, or authenticity's subclass) gets the action. Admin
# modules are imported in INSTALLED_APPS order, and this app comes after both.
_statement_admin = admin.site._registry.get(Statement)
if _statement_admin is not None:
    _statement_admin.actions = [*(_statement_admin.actions or []), send_to_newsletter]
