"""Under the language prefix, included before publishing so these win over its patterns."""

from django.urls import path

from . import views

app_name = "authenticity"
urlpatterns = [
    path("<slug:section>/<str:slug>/statement.txt", views.statement_text, name="text"),
    path(
        "<slug:section>/<str:slug>/statement.txt.minisig",
        views.statement_signature,
        name="signature",
    ),
]
