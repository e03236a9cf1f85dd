"""Outside the language prefix: the public key at a well-known place."""

from django.urls import path, re_path

from . import views

app_name = "authenticity_root"
urlpatterns = [
    path(".well-known/samizdat.pub", views.public_key, name="public-key"),
    path(".well-known/samizdat-keyring.txt", views.keyring_text, name="keyring"),
    path(
        ".well-known/samizdat-keyring.txt.minisig",
        views.keyring_signature,
        name="keyring-signature",
    ),
    re_path(
        r"^\.well-known/(?P<name>samizdat-transition-[0-9A-F]{16}-[0-9A-F]{16}\.txt"
        r"(?:\.new)?(?:\.minisig)?)$",
        views.transition,
        name="transition",
    ),
]
