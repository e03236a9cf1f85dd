"""The staff channels page (second factor required), the statements' send action, the CLI."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from samizdat.core import channels
from samizdat.newsletter import sending
from samizdat.newsletter.models import Send, Subscriber

from .conftest import confirmed

pytestmark = pytest.mark.django_db


def test_registry_orders_and_replaces():
    channels.register_channel("zz-test", "newsletter/channels.html", lambda r: {}, order=999)
    try:
        names = [c.name for c in channels.channels()]
        assert names[0] == "newsletter" and names[-1] == "zz-test"
        with pytest.raises(TypeError):
            channels.register_channel("bad", "x.html", "not callable")
    finally:
        channels.unregister_channel("zz-test")


def test_channels_page_needs_staff_with_second_factor(client, admin_user, statement):
    confirmed("a@example.org")
    Subscriber.objects.create(email="b@example.org", language="kk")
    assert client.get("/admin/channels/").status_code == 302  # anonymous → sign-in
    client.force_login(admin_user)  # password only, no second factor yet
    assert client.get("/admin/channels/").status_code == 302
    from samizdat.accounts.testing import verified_login

    verified_login(client, admin_user)
    sending.start_send(statement)
    page = client.get("/admin/channels/")
    html = page.content.decode()
    assert page.status_code == 200 and 'class="module channel channel-newsletter"' in html
    assert "Заявление о выборах" in html and "0 / 1" in html  # queued (the worker sends it)


def test_send_action_confirms_then_queues_once(admin_client, statement, make_statement, mailoutbox):
    confirmed("a@example.org")
    draft = make_statement(status="draft", language="ru")
    url = "/admin/publishing/statement/"
    data = {"action": "send_to_newsletter", "_selected_action": [statement.pk, draft.pk]}
    page = admin_client.post(url, data)
    assert page.status_code == 200 and b'name="confirm" value="yes"' in page.content
    assert not Send.objects.exists()
    done = admin_client.post(url, {**data, "confirm": "yes"})
    assert done.status_code == 302
    [send] = Send.objects.all()
    assert send.statement == statement and send.total == 1
    admin_client.post(url, {**data, "confirm": "yes"})
    assert Send.objects.count() == 1
    from samizdat.accounts.models import AuditEntry

    assert AuditEntry.objects.filter(action="newsletter.send").count() == 1


def test_cli_prints_the_summary(statement):
    confirmed("a@example.org")
    sending.start_send(statement)
    out = io.StringIO()
    call_command("channels", stdout=out)
    text = out.getvalue()
    assert "ru" in text and "Last sends:" in text and "Заявление о выборах" in text
