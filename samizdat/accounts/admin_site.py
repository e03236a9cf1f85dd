"""The admin site for staff: opens only to a session that passed its second factor, signs in
through the throttled password form, and audits every add, change, delete and bulk action."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.models import DELETION

from . import audit
from .forms import ThrottledAuthenticationForm


class AuditedAdminMixin:
    """Mixed into every ModelAdmin registered on the staff site.

    Single additions, changes and deletions reach the audit trail through LogEntry's post_save
    (see handlers.py); a deletion of several objects is written by bulk_create, which sends no
    signal, so it is recorded here. Bulk actions (approve, mark as spam, …) are recorded too.
    """

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        if isinstance(entries, list) and len(entries) > 1:
            for entry in entries:
                audit.record(
                    "admin.delete",
                    actor=request.user,
                    obj=(entry.content_type.model_class(), entry.object_id, entry.object_repr),
                    flag=DELETION,
                )
        return entries

    def response_action(self, request, queryset):
        name = request.POST.get("action", "")
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        response = super().response_action(request, queryset)
        confirming = name == "delete_selected" and not request.POST.get("post")
        if name and not confirming:
            audit.record(
                "admin.action",
                actor=request.user,
                model=self.model._meta.label_lower,
                name=name,
                objects=selected[:200],
                count=len(selected),
            )
        return response


class StaffAdminSite(admin.AdminSite):
    login_form = ThrottledAuthenticationForm

    def has_permission(self, request):
        verified = getattr(request.user, "is_verified", None)
        return bool(super().has_permission(request) and verified and verified())

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (AuditedAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        return super().register(model_or_iterable, admin_class, **options)
