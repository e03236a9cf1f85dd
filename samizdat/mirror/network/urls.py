"""Under the language prefix: "Where to read us"."""

from django.urls import path

from . import views

app_name = "mirror_network"
urlpatterns = [path("mirrors/", views.where, name="where")]
