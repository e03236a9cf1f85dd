from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("codes/", views.codes, name="codes"),
    path("sign-out/", views.sign_out, name="sign-out"),
]
