"""Machine-translated drafts against a small LibreTranslate-compatible server on loopback.

The server is a test double of the third-party API (LibreTranslate itself is not installable
here): it implements POST /translate as LibreTranslate documents it (JSON in and out, ``q`` a
string or a list, ``translatedText`` the same shape, errors as ``{"error": …}``)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from samizdat.publishing import lifecycle
from samizdat.publishing.models import Statement
from samizdat.publishing.tests.factories import make_statement

from .. import freshness, machine
from ..models import TranslationState

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    mode = "ok"
    seen: list = []

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Handler.seen.append(body)
        if self.path != "/translate":
            return self._send(404, {"error": "Not Found"})
        if Handler.mode == "error":
            return self._send(400, {"error": f"{body['target']} is not supported"})
        if Handler.mode == "garbage":
            return self._send(200, {"nope": 1}, raw=b"<html>")
        q = body["q"]
        out = [f"[{body['source']}→{body['target']}] {t}" if t else "" for t in q]
        return self._send(200, {"translatedText": out if isinstance(q, list) else out[0]})

    def _send(self, status, payload, raw=None):
        data = raw or json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server(settings):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.mode, Handler.seen = "ok", []
    settings.MT_BACKEND = "libretranslate"
    settings.MT_URL = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_off_by_default():
    assert machine.backend() is None
    with pytest.raises(machine.MachineTranslationError):
        machine.make_draft(make_statement(), "kk")


def test_a_machine_draft_is_labelled_linked_and_stays_a_draft(server, client, admin_user):
    ru = make_statement("Вода", language="ru", slug="voda", summary="Кратко", body="Текст.")
    draft = machine.make_draft(ru, "kk", actor=admin_user)
    assert Handler.seen[0]["q"] == ["Вода", ru.issuer, "Кратко", "Текст."]
    assert (Handler.seen[0]["source"], Handler.seen[0]["target"]) == ("ru", "kk")
    assert draft.title == "[ru→kk] Вода" and draft.status == Statement.Status.DRAFT
    assert draft.translation_group_id == Statement.objects.get(pk=ru.pk).translation_group_id
    state = TranslationState.objects.get(statement=draft)
    assert state.machine_made and not state.reviewed
    assert freshness.state_of(draft) == "current"
    assert client.get(draft.get_absolute_url()).status_code == 404  # a draft
    with pytest.raises(ValidationError):
        lifecycle.publish(draft)  # no editor: refused
    assert Statement.objects.get(pk=draft.pk).status == Statement.Status.DRAFT
    lifecycle.publish(draft, actor=admin_user)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "notice-machine" in page
    with pytest.raises(machine.MachineTranslationError):
        machine.make_draft(ru, "kk")  # there is one already


def test_server_errors_are_clear_and_leave_nothing(server):
    ru = make_statement(language="ru")
    count = Statement.objects.count()
    Handler.mode = "error"
    with override("en"), pytest.raises(machine.MachineTranslationError, match="400 kk is not"):
        machine.make_draft(ru, "kk")
    Handler.mode = "garbage"
    with override("en"), pytest.raises(machine.MachineTranslationError, match="not valid"):
        machine.make_draft(ru, "kk")
    assert Statement.objects.count() == count


def test_unreachable_server(settings):
    settings.MT_BACKEND, settings.MT_URL = "libretranslate", "http://127.0.0.1:9"
    with override("en"), pytest.raises(machine.MachineTranslationError, match="cannot be"):
        machine.make_draft(make_statement(), "kk")


def test_admin_action(server, admin_client):
    ru = make_statement("Вода", language="ru", slug="voda")
    response = admin_client.post(
        "/admin/publishing/statement/",
        {"action": "machine_translate", "_selected_action": [ru.pk]},
        follow=True,
    )
    assert response.status_code == 200
    made = Statement.objects.filter(translation_state__machine_made=True)
    assert sorted(made.values_list("language", flat=True)) == ["en", "kk"]
    assert set(made.values_list("status", flat=True)) == {"draft"}
    admin_client.post(
        "/admin/publishing/statement/",
        {"action": "mark_reviewed", "_selected_action": [s.pk for s in made]},
    )
    assert TranslationState.objects.filter(reviewed=True).count() == 2


def test_settings_refuse_a_backend_without_url():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import samizdat.settings"],
        env={
            "SAMIZDAT_MT_BACKEND": "libretranslate",
            "SAMIZDAT_SECRET_KEY": "x" * 60,
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "SAMIZDAT_MT_URL" in result.stderr
