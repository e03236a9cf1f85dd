"""Outside the language prefix: /.well-known/webfinger, /.well-known/nodeinfo and /ap/…"""

from django.urls import path

from . import views

app_name = "federation"
urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo-links"),
    path("ap/nodeinfo/2.1/", views.nodeinfo, name="nodeinfo"),
    path("ap/inbox/", views.shared_inbox, name="shared-inbox"),
    path("ap/statements/<int:pk>/", views.statement_object, name="object"),
    path("ap/<str:language>/", views.actor, name="actor"),
    path("ap/<str:language>/inbox/", views.actor_inbox, name="inbox"),
    path("ap/<str:language>/outbox/", views.outbox, name="outbox"),
    path("ap/<str:language>/followers/", views.followers, name="followers"),
]
