"""Signatures are made by the app, never edited: a read-only list for editors to check."""

from django.contrib import admin

from .models import StatementSignature


@admin.register(StatementSignature)
class StatementSignatureAdmin(admin.ModelAdmin):
    list_display = ("statement", "key_id", "signed_at")
    list_select_related = ("statement",)
    list_filter = ("key_id",)
    search_fields = ("statement__title", "key_id")
    readonly_fields = ("statement", "text", "text_sha256", "minisig", "key_id", "url", "signed_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
