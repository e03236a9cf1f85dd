from django.urls import path

from . import views

app_name = "newsletter"
urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.sent, name="sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("my-data/", views.request_link, name="request"),
    path("my-data/sent/", views.sent, {"kind": "request"}, name="request-sent"),
    path("my-data/<str:token>/", views.manage, name="manage"),
    path("my-data/<str:token>/export.json", views.export, name="export"),
]
