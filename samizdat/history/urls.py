"""Under the language prefix, included before publishing (like authenticity's files)."""

from django.urls import path

from . import views

app_name = "history"
urlpatterns = [
    path("<slug:section>/<str:slug>/v/<int:n>/statement.txt", views.text, name="text"),
    path(
        "<slug:section>/<str:slug>/v/<int:n>/statement.txt.minisig",
        views.signature,
        name="signature",
    ),
]
