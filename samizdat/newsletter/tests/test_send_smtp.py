"""Sending a statement to its list through the task queue, against a real SMTP server
(aiosmtpd on loopback): the mail as received, 4xx retried, 5xx recorded and unsubscribed, a
hung server timed out and retried a bounded number of times, every recipient once."""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter

import lxml.html
import pytest
from django.core.management import call_command

from samizdat.core.tests.smtp import Collector, SMTPServer, smtp_settings
from samizdat.newsletter import sending
from samizdat.newsletter.models import Delivery, Send, Subscriber

from .conftest import confirmed

pytestmark = pytest.mark.django_db(transaction=True)
SITE = "http://testserver"


def run_worker() -> str:
    out = io.StringIO()
    call_command("worker", "--batch", stdout=out)
    return out.getvalue()


def states(send: Send) -> Counter:
    return Counter(Delivery.objects.filter(send=send).values_list("state", flat=True))


class Flaky(Collector):
    """Answers DATA with ``reply`` the first ``times`` times for each recipient, then takes it."""

    def __init__(self, reply: str, times: int = 1) -> None:
        super().__init__()
        self.reply, self.times, self.seen = reply, times, Counter()

    async def handle_DATA(self, server, session, envelope):
        rcpt = envelope.rcpt_tos[0]
        self.seen[rcpt] += 1
        if self.seen[rcpt] <= self.times:
            return self.reply
        return await super().handle_DATA(server, session, envelope)


def serve(handler) -> SMTPServer:
    server = SMTPServer()
    server.handler = handler
    from aiosmtpd.controller import Controller

    server.controller = Controller(handler, hostname="127.0.0.1", port=server.port)
    return server


@pytest.fixture
def smtp(settings):
    settings.MAIL_RETRY_SECONDS = 0
    settings.MAIL_MAX_ATTEMPTS = 3
    settings.NEWSLETTER_RATE = 0
    settings.SITE_URL = SITE
    return settings


def test_a_signed_statement_as_received(statement, smtp, sign, run_minisign, tmp_path):
    sign(statement)
    for n in range(3):
        confirmed(f"reader{n}@example.org")
    confirmed("kk-reader@example.org", "kk")
    Subscriber.objects.create(email="unconfirmed@example.org", language="ru")
    with SMTPServer() as server:
        smtp_settings(smtp, server.port)
        send, created = sending.start_send(statement)
        output = run_worker()
        again, created_again = sending.start_send(statement)  # a second click sends nothing
        run_worker()
    assert created and not created_again and again.pk == send.pk
    assert "task send_batch" in output
    assert sorted(m["To"] for m in server.messages) == [f"reader{n}@example.org" for n in range(3)]
    send.refresh_from_db()
    assert send.state == "done" and send.total == 3 and states(send) == {"sent": 3}

    message = server.messages[0]
    unsubscribe = " ".join(message["List-Unsubscribe"].split())
    assert re.fullmatch(rf"<{SITE}/ru/newsletter/unsubscribe/[^>]+/>", unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/mixed"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert unsubscribe.strip("<>") in text and unsubscribe.strip("<>") in html
    assert f"{SITE}/.well-known/samizdat-mirrors.json" in text
    assert "minisign -Vm statement.txt -P RW" in text and "untrusted comment:" in text
    doc = lxml.html.fromstring(html)
    links = doc.xpath("//@href | //@src | //@srcset | //@background")
    assert links and all(link.startswith(f"{SITE}/") for link in links), links
    assert not doc.xpath("//img | //script | //link | //iframe | //form")
    # The attachments are the exact signed text and signature: minisign checks them offline.
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert set(files) == {"statement.txt", "statement.txt.minisig"}
    (tmp_path / "statement.txt").write_bytes(files["statement.txt"].encode("utf-8"))
    (tmp_path / "statement.txt.minisig").write_text(files["statement.txt.minisig"])
    public = re.search(r"-P (RW\S+)", text).group(1)
    checked = run_minisign("-Vm", "statement.txt", "-P", public, cwd=tmp_path)
    assert checked.returncode == 0 and "Signature and comment signature verified" in (
        checked.stdout + checked.stderr
    )


def test_only_public_statements_are_sent(make_statement, smtp):
    draft = make_statement(status="draft")
    with pytest.raises(sending.NotPublic):
        sending.start_send(draft)
    assert not Send.objects.exists()


def test_temporary_failure_is_retried(statement, smtp):
    for n in range(2):
        confirmed(f"reader{n}@example.org")
    server = serve(Flaky("451 4.7.1 greylisted, try again later"))
    with server:
        smtp_settings(smtp, server.port)
        send, _ = sending.start_send(statement)
        run_worker()
    assert sorted(server.handler.seen.values()) == [2, 2]  # refused once, then accepted
    assert Counter(m["To"] for m in server.messages) == {
        "reader0@example.org": 1,
        "reader1@example.org": 1,
    }
    assert states(send) == {"sent": 2}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {2}


def test_permanent_failure_unsubscribes_the_address(statement, smtp):
    confirmed("gone@example.org")
    confirmed("here@example.org")

    class Refuse(Collector):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("gone@"):
                return "550 5.1.1 no such user"
            return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    with serve(Refuse()) as server:
        smtp_settings(smtp, server.port)
        send, _ = sending.start_send(statement)
        run_worker()
    assert [m["To"] for m in server.messages] == ["here@example.org"]
    assert states(send) == {"sent": 1, "bounced": 1}
    bounced = Delivery.objects.get(state="bounced")
    assert bounced.subscriber is None and bounced.error == "SMTPRecipientsRefused 550"
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["here@example.org"]


def test_a_hung_server_is_timed_out_and_retried_a_bounded_number_of_times(statement, smtp):
    confirmed("reader@example.org")
    with SMTPServer(hang_data=3) as server:
        smtp_settings(smtp, server.port, timeout=0.5)
        send, _ = sending.start_send(statement)
        output = run_worker()
    assert server.handler.data_started == 3  # MAIL_MAX_ATTEMPTS, then it gives up
    assert states(send) == {"failed": 1}
    [row] = Delivery.objects.all()
    assert row.attempts == 3 and row.error in {"TimeoutError", "SMTPServerDisconnected"}
    send.refresh_from_db()
    assert send.state == "done" and "done 1" in output


def test_back_off_waits_between_attempts(statement, smtp):
    smtp.MAIL_RETRY_SECONDS = 3600
    confirmed("reader@example.org")
    with serve(Flaky("421 4.3.2 busy", times=5)) as server:
        smtp_settings(smtp, server.port)
        send, _ = sending.start_send(statement)
        output = run_worker()
    row = Delivery.objects.get()
    assert row.state == "pending" and row.attempts == 1 and "next_in 36" in output
    assert Send.objects.get().next_run_at == row.next_attempt_at
    assert not server.messages


def test_a_recipient_who_unsubscribed_meanwhile_is_skipped(statement, smtp, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    first = confirmed("leaves@example.org")
    confirmed("stays@example.org")
    send, _ = sending.start_send(statement)
    first.delete()
    with SMTPServer() as server:
        smtp_settings(smtp, server.port)
        run_worker()
    assert [m["To"] for m in server.messages] == ["stays@example.org"]
    assert states(send) == {"sent": 1, "skipped": 1}


def test_minisign_binary_is_the_real_one(stock_minisign):
    assert (
        "minisign"
        in subprocess.run([stock_minisign, "-v"], capture_output=True, text=True).stdout.lower()
    )
