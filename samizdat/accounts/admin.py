"""Audit trail (read-only), lockouts (lift), and a second-factor reset for accounts."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import factors, throttle
from .models import AuditEntry, Lockout


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "at", "actor_name", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "action", "object_repr", "object_id")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lockout)
class LockoutAdmin(admin.ModelAdmin):
    list_display = ("__str__", "scope", "failures", "locked_at", "until", "lifted_at", "active")
    list_filter = ("scope", ("lifted_at", admin.EmptyFieldListFilter))
    readonly_fields = [f.name for f in Lockout._meta.fields]
    actions = ["lift"]

    @admin.display(boolean=True, description=_("active"))
    def active(self, obj):
        return obj.lifted_at is None and obj.until > timezone.now()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Lift the selected lockouts"), permissions=["change"])
    def lift(self, request, queryset):
        lifted = 0
        for lockout in queryset.filter(lifted_at__isnull=True):
            throttle.lift(lockout, by=request.user)
            lifted += 1
        self.message_user(
            request,
            ngettext("%d lockout lifted.", "%d lockouts lifted.", lifted) % lifted,
            messages.SUCCESS,
        )


User = get_user_model()


class StaffUserAdmin(UserAdmin):
    actions = [*UserAdmin.actions, "reset_second_factors"]
    list_display = (*UserAdmin.list_display, "second_factor")

    @admin.display(boolean=True, description=_("second factor"))
    def second_factor(self, obj):
        return factors.is_enrolled(obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("reset_second_factors", None)
        return actions

    @admin.action(description=_("Reset second factors (the account must enrol again)"))
    def reset_second_factors(self, request, queryset):
        if not request.user.is_superuser:
            self.message_user(request, _("Only a superuser can do this."), messages.ERROR)
            return
        done = 0
        for user in queryset.exclude(pk=request.user.pk):
            factors.reset_devices(user, by=request.user)
            done += 1
        self.message_user(
            request,
            ngettext(
                "Second factors reset for %d account; its sessions have ended.",
                "Second factors reset for %d accounts; their sessions have ended.",
                done,
            )
            % done,
            messages.SUCCESS,
        )


def replace_registrations() -> None:
    """The devices' own admins show TOTP secrets and recovery codes: keep them off the site."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential

    for model in (TOTPDevice, StaticDevice, WebAuthnCredential, WebAuthnAttestation, User):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
    admin.site.register(User, StaffUserAdmin)
