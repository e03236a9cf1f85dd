from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """django.contrib.admin with :class:`StaffAdminSite` as ``admin.site``."""

    default_site = "samizdat.accounts.admin_site.StaffAdminSite"

    def ready(self):
        super().ready()  # autodiscovers every app's admin.py
        from samizdat.accounts.admin import replace_registrations

        replace_registrations()
