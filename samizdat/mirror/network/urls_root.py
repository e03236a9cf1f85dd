"""Outside the language prefix: the signed list of mirrors."""

from django.urls import path

from . import views

app_name = "mirror_network_root"
urlpatterns = [
    path(".well-known/samizdat-mirrors.json", views.mirror_list, name="list"),
    path(
        ".well-known/samizdat-mirrors.json.minisig", views.mirror_list_signature, name="signature"
    ),
]
