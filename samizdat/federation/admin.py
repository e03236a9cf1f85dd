"""The fediverse in the admin: actors (with key rotation), followers and deliveries."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import activities, delivery, keys
from .models import Actor, Delivery, Follower


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Actor)
class ActorAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "language", "handle", "follower_count", "created_at")
    readonly_fields = ("language", "handle", "public_key", "created_at")
    exclude = ("private_key",)
    actions = ["rotate_keys"]

    @admin.display(description=_("handle"))
    def handle(self, obj: Actor) -> str:
        return f"@{obj.language}@{activities.host()}"

    @admin.display(description=_("followers"))
    def follower_count(self, obj: Actor) -> int:
        return obj.followers.count()

    @admin.action(description=_("Make new key pairs for the selected actors"))
    def rotate_keys(self, request, queryset) -> None:
        for actor in queryset:
            keys.rotate(actor)
        self.message_user(request, _("New keys made; servers fetch them on the next delivery."))


@admin.register(Follower)
class FollowerAdmin(ReadOnlyAdmin):
    list_display = ("uri", "actor", "delivery_inbox", "created_at")
    list_filter = ("actor",)
    search_fields = ("uri", "inbox", "shared_inbox")
    readonly_fields = ("actor", "uri", "inbox", "shared_inbox", "follow_id", "created_at")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("kind", "actor", "inbox", "state", "attempts", "last_status", "updated_at")
    list_filter = ("state", "kind", "actor")
    search_fields = ("inbox", "activity_id")
    readonly_fields = (
        "actor",
        "kind",
        "activity_id",
        "inbox",
        "state",
        "attempts",
        "last_status",
        "last_error",
        "created_at",
        "updated_at",
        "payload",
    )
    actions = ["retry"]

    @admin.action(description=_("Try the selected failed deliveries again"))
    def retry(self, request, queryset) -> None:
        rows = list(queryset.filter(state=Delivery.State.FAILED).values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=rows).update(state=Delivery.State.RETRYING)
        for pk in rows:
            delivery.deliver.enqueue(pk)
        message = ngettext(
            "%(n)d delivery queued again.", "%(n)d deliveries queued again.", len(rows)
        )
        self.message_user(request, message % {"n": len(rows)}, messages.SUCCESS)
