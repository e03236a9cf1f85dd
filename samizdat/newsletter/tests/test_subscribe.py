"""Subscribe (footer form → captcha → mailed link), confirm, unsubscribe, the owner's data page,
and the bad input: floods (429), honeypot, wrong captcha, tampered and expired links."""

from __future__ import annotations

import json
import re
import time

import lxml.html
import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone, translation

from samizdat.discussion import captcha
from samizdat.newsletter import subscriptions, tokens
from samizdat.newsletter.models import Subscriber

pytestmark = pytest.mark.django_db
EMAIL = "reader@example.org"


def url(name: str, *args, language: str = "ru") -> str:
    with translation.override(language):
        return reverse(f"newsletter:{name}", args=args)


def answer_of(html: str) -> tuple[str, str]:
    """(token, answer) from a form page, as a reader who can count would fill it in."""
    token = lxml.html.fromstring(html).xpath('//input[@name="token"]/@value')[0]
    return token, str(captcha.read_token(token, 0).challenge.answer)


def subscribe(client, clock, email=EMAIL, language="ru", **extra):
    """The two steps a reader takes: the footer form, then the captcha page."""
    first = client.post(url("subscribe"), {"email": email, "language": language, "website": ""})
    assert first.status_code == 200, first.content[:300]
    token, answer = answer_of(first.content.decode())
    clock.advance(10)
    data = {"email": email, "language": language, "token": token, "answer": answer, "website": ""}
    return client.post(url("subscribe"), {**data, **extra})


def link_in(message, path_part: str) -> str:
    return re.search(rf"https?://\S+{path_part}\S+/", message.body).group(0)


def test_every_page_has_the_subscribe_form(client, statement):
    for page in ("/ru/", statement.get_absolute_url()):
        html = client.get(page).content.decode()
        doc = lxml.html.fromstring(html)
        [form] = doc.xpath('//footer//form[@class="newsletter-form"]')
        assert form.get("action") == "/ru/newsletter/subscribe/" and form.get("method") == "post"
        assert form.xpath('.//input[@name="email"]') and form.xpath('.//input[@name="website"]')
        assert "style=" not in lxml.html.tostring(form, encoding="unicode")


def test_double_opt_in(client, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = subscribe(client, clock)
    assert r.status_code == 302 and r["Location"] == "/ru/newsletter/subscribe/sent/"
    [row] = Subscriber.objects.all()
    assert row.email == EMAIL and row.language == "ru" and not row.is_confirmed
    [message] = mail.outbox
    assert message.to == [EMAIL] and message.extra_headers["List-Unsubscribe-Post"]
    link = link_in(message, "/ru/newsletter/confirm/")
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    page = client.get(path)  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and b"<form" in page.content
    assert not Subscriber.objects.get().is_confirmed
    assert client.post(path).status_code == 200
    assert Subscriber.objects.get().is_confirmed
    # A second request for the same address sends nothing more and says the same.
    with django_capture_on_commit_callbacks(execute=True):
        assert subscribe(client, clock).status_code == 302
    assert len(mail.outbox) == 1


def test_the_list_is_the_chosen_language(client, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, clock, language="kk")
    assert Subscriber.objects.get().language == "kk"
    assert "/kk/newsletter/confirm/" in mail.outbox[0].body


def test_honeypot_stores_and_sends_nothing(client, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url("subscribe"), {"email": EMAIL, "website": "http://spam.example"})
    assert r.status_code == 302 and not Subscriber.objects.exists() and not mail.outbox


def test_wrong_or_replayed_captcha_is_refused(client, clock):
    first = client.post(url("subscribe"), {"email": EMAIL, "language": "ru"})
    token, answer = answer_of(first.content.decode())
    clock.advance(10)
    data = {"email": EMAIL, "language": "ru", "token": token, "website": ""}
    wrong = client.post(url("subscribe"), {**data, "answer": str(int(answer) % 9 + 10)})
    assert wrong.status_code == 400 and not Subscriber.objects.exists()
    again = client.post(url("subscribe"), {**data, "answer": answer})  # the token is spent
    assert again.status_code == 400 and not Subscriber.objects.exists()
    bad = client.post(url("subscribe"), {"email": "not an address", "language": "ru"})
    assert bad.status_code == 400


def test_a_subscribe_flood_from_one_address_gets_429(
    client, clock, settings, django_capture_on_commit_callbacks
):
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(30):
            r = client.post(url("subscribe"), {"email": f"victim{n}@example.org"})
            statuses.append(r.status_code)
    assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}
    assert r["Retry-After"] and not mail.outbox and not Subscriber.objects.exists()
    # Each client may also ask for only a few mails, however it solves the captcha.
    clock.advance(1300)  # two windows: the sliding estimate forgets the flood
    codes = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(7):
            codes.append(subscribe(client, clock, email=f"other{n}@example.org").status_code)
    assert codes == [302] * 5 + [429] * 2 and len(mail.outbox) == 5


def test_tampered_and_expired_confirmation_links(client, monkeypatch, settings):
    row = Subscriber.objects.create(email=EMAIL, language="ru")
    token = tokens.confirm_token(row.key)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for method in (client.get, client.post):
        assert method(url("confirm", tampered)).status_code == 400
        assert method(url("confirm", "x" * 400)).status_code == 400
    old = time.time() - 4 * 86400
    with monkeypatch.context() as m:
        m.setattr(signing.time, "time", lambda: old)
        expired = tokens.confirm_token(row.key)
    r = client.post(url("confirm", expired))
    assert r.status_code == 410 and "expired" in r.content.decode().lower() or r.status_code == 410
    assert not Subscriber.objects.get().is_confirmed
    # A link of another kind does not confirm either.
    assert client.post(url("confirm", tokens.unsubscribe_token(row.key))).status_code == 400
    row.delete()
    assert client.post(url("confirm", token)).status_code == 410


def test_one_click_unsubscribe(client):
    row = Subscriber.objects.create(email=EMAIL, language="ru", confirmed_at=timezone.now())
    link = url("unsubscribe", tokens.unsubscribe_token(row.key))
    assert client.get(link).status_code == 200 and Subscriber.objects.exists()  # GET: a button
    r = client.post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert r.status_code == 200 and not Subscriber.objects.exists()
    assert client.post(link).status_code == 200  # again: done, not an error
    assert client.get(link).status_code == 200
    assert client.post(url("unsubscribe", "forged:token")).status_code == 400
    assert client.get(url("unsubscribe", tokens.confirm_token("k" * 32))).status_code == 400


def test_owner_exports_and_deletes_through_a_mailed_link(
    client, clock, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(email=EMAIL, language="ru", confirmed_at=timezone.now())
    Subscriber.objects.create(email=EMAIL, language="en")
    Subscriber.objects.create(email="other@example.org", language="ru")
    page = client.get(url("request"))
    token, answer = answer_of(page.content.decode())
    clock.advance(10)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url("request"), {"email": EMAIL, "token": token, "answer": answer})
    assert r.status_code == 302
    [message] = mail.outbox
    link = "/" + link_in(message, "/ru/newsletter/my-data/").split("/", 3)[3]
    page = client.get(link)
    assert page.status_code == 200 and EMAIL in page.content.decode()
    exported = client.get(link + "export.json")
    assert exported["Content-Type"].startswith("application/json")
    data = json.loads(exported.content)
    assert data["email"] == EMAIL and {s["language"] for s in data["subscriptions"]} == {"ru", "en"}
    assert client.post(link).status_code == 200
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["other@example.org"]
    # An unknown address gets the same answer and no mail.
    page = client.get(url("request"))
    token, answer = answer_of(page.content.decode())
    clock.advance(10)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            url("request"), {"email": "nobody@example.org", "token": token, "answer": answer}
        )
    assert r.status_code == 302 and len(mail.outbox) == 1
    assert client.get(url("manage", "tampered")).status_code == 400
    assert EMAIL.split("@")[0] not in link  # the link names a random key, not the address
    assert client.get(link).status_code == 410  # deleted: the link is spent


def test_oversized_and_cross_site_posts_are_refused(client):
    big = client.post(url("subscribe"), {"email": "a@example.org", "pad": "x" * 20000})
    assert big.status_code == 400 and not Subscriber.objects.exists()
    cross = client.post(
        url("subscribe"), {"email": "a@example.org"}, HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert cross.status_code == 400 and not Subscriber.objects.exists()


def test_unconfirmed_addresses_expire(settings):
    old = Subscriber.objects.create(email="old@example.org", language="ru")
    Subscriber.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=4)
    )
    Subscriber.objects.create(email="new@example.org", language="ru")
    kept = Subscriber.objects.create(
        email="kept@example.org", language="ru", confirmed_at=timezone.now()
    )
    Subscriber.objects.filter(pk=kept.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=40)
    )
    assert subscriptions.forget_unconfirmed() == 1
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "new@example.org",
        "kept@example.org",
    }
