from django.urls import path, register_converter

from . import views


class PageNumberConverter:
    """Archive page numbers 1..9999, counted from the oldest (archive.py)."""

    regex = "[1-9][0-9]{0,3}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(PageNumberConverter, "pageno")

app_name = "publishing"
urlpatterns = [
    path("", views.home, name="home"),
    path("tags/<str:tag>/", views.tag, name="tag"),
    path("tags/<str:tag>/page/<pageno:page>/", views.tag, name="tag-page"),
    path("pages/<slug:slug>/", views.page, name="page"),
    path("<slug:section>/", views.section, name="section"),
    path("<slug:section>/page/<pageno:page>/", views.section, name="section-page"),
    path("<slug:section>/<str:slug>/", views.statement, name="statement"),
]
