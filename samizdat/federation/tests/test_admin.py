"""Followers and deliveries in the staff admin and on the channels page's fediverse part."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from samizdat.federation import keys
from samizdat.federation.channels import channel_context
from samizdat.federation.models import Delivery, Follower

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    actor = keys.actor_for("ru")
    Follower.objects.create(
        actor=actor, uri="https://social.example/users/aigerim", inbox="https://social.example/i"
    )
    Delivery.objects.create(
        actor=actor,
        activity_id="http://testserver/ap/statements/1/#create-1",
        kind="Create",
        payload={},
        inbox="https://social.example/inbox",
        state="failed",
        attempts=8,
        last_status=503,
    )
    return actor


def test_admin_lists_followers_and_deliveries(admin_client, rows):
    page = admin_client.get("/admin/federation/follower/").content.decode()
    assert "https://social.example/users/aigerim" in page
    page = admin_client.get("/admin/federation/delivery/?state=failed").content.decode()
    assert "https://social.example/inbox" in page
    page = admin_client.get("/admin/federation/actor/").content.decode()
    assert "@ru@testserver" in page
    detail = admin_client.get(f"/admin/federation/actor/{rows.pk}/change/").content.decode()
    assert "BEGIN PUBLIC KEY" in detail
    assert "PRIVATE KEY" not in detail


def test_admin_needs_the_second_factor(client, admin_user, rows):
    client.force_login(admin_user)  # password only
    assert client.get("/admin/federation/follower/").status_code == 302


def test_admin_retry_action(admin_client, rows, remote):
    uri = remote.add_actor("aigerim", shared_inbox=False)
    Delivery.objects.update(inbox=f"{uri}/inbox")
    row = Delivery.objects.get()
    response = admin_client.post(
        "/admin/federation/delivery/",
        {"action": "retry", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == "sent"
    assert len(remote.received) == 1


def test_channel_context_and_template(rows):
    context = channel_context(RequestFactory().get("/admin/channels/"))
    ru = next(a for a in context["federation_actors"] if a["language"] == "ru")
    assert ru["followers"] == 1
    assert ru["handle"] == "@ru@testserver"
    assert [count for _label, count in context["federation_states"]] == [0, 0, 0, 0, 1]
    html = render_to_string("federation/channels.html", context)
    assert "@ru@testserver" in html
    assert "https://social.example/inbox" in html
    assert "style=" not in html and "<script" not in html


def test_channels_page_shows_the_fediverse_section(admin_client, rows):
    html = admin_client.get("/admin/channels/").content.decode()
    assert "@ru@testserver" in html and "https://social.example/inbox" in html
    assert html.index("channel-newsletter") < html.index("@ru@testserver")
