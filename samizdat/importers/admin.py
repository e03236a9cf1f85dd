from django.contrib import admin

from .models import ImportedItem, ImportRun, Redirect


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_url", "content_type", "created_at"]
    search_fields = ["old_path", "new_url"]
    list_filter = ["content_type"]
    fields = ["old_path", "new_url", "content_type", "object_id"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["file_name", "site_url", "started_at"]
    readonly_fields = ["source", "file_name", "file_sha256", "site_url", "started_at", "summary"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ImportedItem)
class ImportedItemAdmin(admin.ModelAdmin):
    list_display = ["kind", "wp_id", "old_path", "author_name", "content_type", "object_id"]
    list_filter = ["kind", "site_url"]
    search_fields = ["old_path", "guid", "author_name"]
    readonly_fields = [f.name for f in ImportedItem._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
