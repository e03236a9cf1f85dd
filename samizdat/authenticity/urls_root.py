"""Outside the language prefix: the public key at a well-known place."""

from django.urls import path

from . import views

app_name = "authenticity_root"
urlpatterns = [
    path(".well-known/samizdat.pub", views.public_key, name="public-key"),
]
